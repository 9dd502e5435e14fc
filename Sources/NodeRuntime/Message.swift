public import Policy
package import Wire

/// A message the node received, a request or a reply, with typed access to its body's fields.
/// The getters throw error 12 (malformed request) naming the field, so a handler can simply
/// `try` them. How it is stored is the runtime's business and may change.
public struct Message: Sendable {
  /// How a message is held: the parsed tree, or a copy of its bytes read lazily (the fast path,
  /// which builds no tree).
  enum Storage: Sendable {
    case tree(Parsed)
    case raw(RawMessage)
  }

  /// A parsed envelope, boxed so that a message is one reference wide and copies cheaply.
  final class Parsed: Sendable {
    let envelope: Envelope
    init(_ envelope: Envelope) { self.envelope = envelope }
  }

  let storage: Storage
  /// When it was read.
  public let receivedAt: ClockReading

  /// Wraps a received envelope.
  package init(_ envelope: Envelope, receivedAt: ClockReading) {
    self.storage = .tree(Parsed(envelope))
    self.receivedAt = receivedAt
  }

  /// Wraps a message read lazily from its bytes (a plain envelope: `MessageView.isPlainEnvelope`).
  package init(raw: RawMessage, receivedAt: ClockReading) {
    self.storage = .raw(raw)
    self.receivedAt = receivedAt
  }

  /// The sender.
  public var src: String {
    switch storage {
    case .tree(let parsed): return parsed.envelope.src
    case .raw(let m): return m.srcText
    }
  }
  /// The receiver, as addressed.
  public var dest: String {
    switch storage {
    case .tree(let parsed): return parsed.envelope.dest
    case .raw(let m): return m.destText
    }
  }
  /// The body's `type`.
  public var type: String {
    switch storage {
    case .tree(let parsed): return parsed.envelope.type
    case .raw(let m): return m.typeText
    }
  }
  /// The body's `msg_id` (any JSON value but `null`), or nil: then a request gets no reply.
  public var msgID: Value? { rawMsgID.map(Value.init) }
  /// The body's `in_reply_to` when it is an integer: the request this replies to.
  public var inReplyTo: Int? { self["in_reply_to"]?.intValue }
  /// The whole body, to pass on as it came (a proxy's `result`, say).
  public var body: Value {
    switch storage {
    case .tree(let parsed): return Value(.object(parsed.envelope.body))
    case .raw(let m): return Value(raw: m.body!)
    }
  }
  /// Where a reply to this message goes: small enough to keep while a call is under way.
  public var address: ReplyAddress { ReplyAddress(src: src, msgID: rawMsgID) }

  /// The body's `msg_id` as a tree (a number is no allocation), nil when absent or `null`.
  var rawMsgID: JSON? {
    switch storage {
    case .tree(let parsed): return parsed.envelope.msgID
    case .raw(let m): return m.msgIDTree
    }
  }

  /// The body's `in_reply_to` as a tree, nil only when the key is absent: a body with the key,
  /// whatever its value (`null` included), is a reply and is never answered.
  var rawInReplyTo: JSON? {
    switch storage {
    case .tree(let parsed): return parsed.envelope.inReplyTo
    case .raw(let m): return m.inReplyTo?.parsed()
    }
  }

  /// The whole message as Python's `json.dumps` prints it, for trace lines, when it was read
  /// from its bytes (the tree path logs the value it parsed).
  var rawText: String? {
    guard case .raw(let m) = storage else { return nil }
    return m.whole.pythonText
  }

  /// The error this message carries, when its type is `error`: its `code` and `text`.
  public var error: RPCError? {
    guard type == "error" else { return nil }
    let code = self["code"]?.intValue ?? ErrorCode.crash.rawValue
    return RPCError(ErrorCode(code), self["text"]?.stringValue ?? "")
  }

  /// The field `key` of the body, if present.
  public subscript(key: String) -> Value? {
    switch storage {
    case .tree(let parsed): return parsed.envelope.body[key].map(Value.init)
    case .raw(let m): return m.field(key).map(Value.init(field:))
    }
  }

  /// The field `key` of the body as a tree, if present.
  func tree(_ key: String) -> JSON? {
    switch storage {
    case .tree(let parsed): return parsed.envelope.body[key]
    case .raw(let m): return m.field(key)?.parsed()
    }
  }

  /// The required field `key`, of any type.
  public func value(_ key: String) throws(RPCError) -> Value {
    guard let v = self[key] else { throw missing(key) }
    return v
  }

  /// The required string field `key`.
  public func string(_ key: String) throws(RPCError) -> String {
    guard case .string(let s) = try raw(key) else { throw wrongType(key, "a string") }
    return s
  }

  /// The required integer field `key`.
  public func int(_ key: String) throws(RPCError) -> Int {
    guard case .int(let i) = try raw(key) else { throw wrongType(key, "an integer") }
    return i
  }

  /// The required number field `key`, as a `Double`.
  public func double(_ key: String) throws(RPCError) -> Double {
    guard let d = try raw(key).doubleValue else { throw wrongType(key, "a number") }
    return d
  }

  /// The required boolean field `key`.
  public func bool(_ key: String) throws(RPCError) -> Bool {
    guard case .bool(let b) = try raw(key) else { throw wrongType(key, "a boolean") }
    return b
  }

  /// The required object field `key`.
  public func object(_ key: String) throws(RPCError) -> Value {
    let v = try raw(key)
    guard case .object = v else { throw wrongType(key, "an object") }
    return Value(v)
  }

  /// The required array field `key`.
  public func array(_ key: String) throws(RPCError) -> [Value] {
    guard case .array(let a) = try raw(key) else { throw wrongType(key, "an array") }
    return a.map(Value.init)
  }

  /// The required field `key`, an array of strings.
  public func strings(_ key: String) throws(RPCError) -> [String] {
    guard case .array(let a) = try raw(key) else { throw wrongType(key, "an array") }
    var out: [String] = []
    out.reserveCapacity(a.count)
    for v in a {
      guard case .string(let s) = v else { throw wrongType(key, "an array of strings") }
      out.append(s)
    }
    return out
  }

  /// The optional integer field `key`, which must lie in `range`; nil when absent or null.
  public func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(RPCError) -> Int? {
    guard let v = tree(key), v != .null else { return nil }
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
    guard let v = tree(key), v != .null else { return nil }
    guard let d = v.doubleValue, d.isFinite, valid(d) else {
      throw malformed("field \"\(key)\" must be a number \(requirement)")
    }
    return d
  }

  /// An error 12 whose text starts with this message's type: `add: field "delta" ...`.
  public func malformed(_ problem: String) -> RPCError {
    RPCError(.malformedRequest, "\(type): \(problem)")
  }

  private func raw(_ key: String) throws(RPCError) -> JSON {
    guard let v = tree(key) else { throw missing(key) }
    return v
  }

  func missing(_ key: String) -> RPCError { malformed("missing field \"\(key)\"") }

  private func wrongType(_ key: String, _ kind: String) -> RPCError {
    malformed("field \"\(key)\" must be \(kind)")
  }
}

/// Where a reply goes: the requester and its request's `msg_id` (none: no reply is sent).
public struct ReplyAddress: Sendable, Hashable, CustomStringConvertible {
  /// The requester.
  public let src: String
  /// The request's `msg_id`.
  package let rawMsgID: JSON?

  /// The address of a request from `src` with `msgID`.
  package init(src: String, msgID: JSON?) {
    self.src = src
    self.rawMsgID = msgID
  }

  /// The address of a request from `src` with `msgID` (none: it gets no reply).
  public init(src: String, msgID: Value?) {
    self.init(src: src, msgID: msgID?.json)
  }

  /// The request's `msg_id`, if it had one.
  public var msgID: Value? { rawMsgID.map(Value.init) }

  /// `src:msg_id`, as log lines name a requester (`c1:7`; `c1:-` without a `msg_id`).
  public var description: String { "\(src):\(rawMsgID?.pythonText ?? "-")" }
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
