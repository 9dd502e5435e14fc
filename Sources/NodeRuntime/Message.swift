import Policy
import Wire

/// A request as a handler sees it, with typed access to its body's fields.
public struct Message: Sendable {
  /// The envelope, as received.
  public let envelope: Envelope
  /// When it was read.
  public let receivedAt: ClockReading

  /// Wraps a received envelope.
  public init(_ envelope: Envelope, receivedAt: ClockReading) {
    self.envelope = envelope
    self.receivedAt = receivedAt
  }

  /// The sender.
  @inlinable public var src: String { envelope.src }
  /// The receiver, as addressed.
  @inlinable public var dest: String { envelope.dest }
  /// The body's `type`.
  @inlinable public var type: String { envelope.type }
  /// The body.
  @inlinable public var body: JSONObject { envelope.body }
  /// The body's `msg_id`, or nil: then the request gets no reply.
  @inlinable public var msgID: JSON? { envelope.msgID }

  /// Where a reply to this request goes: small enough to keep while a call is under way.
  @inlinable public var address: ReplyAddress { ReplyAddress(src: src, msgID: msgID) }

  /// The field `key` of the body, if present.
  @inlinable public subscript(key: String) -> JSON? { envelope.body[key] }

  /// The required field `key`, of any type.
  public func value(_ key: String) throws(RPCError) -> JSON {
    guard let v = self[key] else { throw missing(key) }
    return v
  }

  /// The required string field `key`.
  public func string(_ key: String) throws(RPCError) -> String {
    let v = try value(key)
    guard case .string(let s) = v else { throw wrongType(key, "a string") }
    return s
  }

  /// The required object field `key`.
  public func object(_ key: String) throws(RPCError) -> JSONObject {
    let v = try value(key)
    guard case .object(let o) = v else { throw wrongType(key, "an object") }
    return o
  }

  /// The required array field `key`.
  public func array(_ key: String) throws(RPCError) -> [JSON] {
    let v = try value(key)
    guard case .array(let a) = v else { throw wrongType(key, "an array") }
    return a
  }

  /// The optional integer field `key`, which must lie in `range`; nil when absent or null.
  public func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(RPCError) -> Int? {
    guard let v = self[key], v != .null else { return nil }
    guard case .int(let i) = v, range.contains(i) else {
      throw malformed(
        "field \"\(key)\" must be an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return i
  }

  /// The optional number field `key`, which must be finite and satisfy `valid`; nil when absent
  /// or null. `requirement` completes "must be a number ..." in the error text.
  public func optionalNumber(
    _ key: String, requirement: String, _ valid: (Double) -> Bool
  ) throws(RPCError) -> Double? {
    guard let v = self[key], v != .null else { return nil }
    guard let d = v.doubleValue, d.isFinite, valid(d) else {
      throw malformed("field \"\(key)\" must be a number \(requirement)")
    }
    return d
  }

  /// An error 12 whose text starts with this message's type.
  public func malformed(_ problem: String) -> RPCError {
    RPCError(.malformedRequest, "\(type): \(problem)")
  }

  private func missing(_ key: String) -> RPCError { malformed("missing field \"\(key)\"") }

  private func wrongType(_ key: String, _ kind: String) -> RPCError {
    malformed("field \"\(key)\" must be \(kind)")
  }
}

/// Where a reply goes: the requester and the request's `msg_id` (nil: no reply is sent).
public struct ReplyAddress: Sendable {
  /// The requester.
  public var src: String
  /// The request's `msg_id`.
  public var msgID: JSON?

  /// Makes an address.
  @inlinable public init(src: String, msgID: JSON?) {
    self.src = src
    self.msgID = msgID
  }
}

/// An error a handler answers with: Maelstrom's code and a text naming the problem.
public struct RPCError: Error, Sendable, Equatable {
  /// The Maelstrom error code.
  public var code: ErrorCode
  /// What went wrong, such as `relay: field "target" must be a string`.
  public var text: String

  /// Makes an error of `code` with `text`.
  public init(_ code: ErrorCode, _ text: String) {
    self.code = code
    self.text = text
  }
}
