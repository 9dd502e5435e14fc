/// A Maelstrom message: `src`, `dest` and a `body` object with a string `type`. Other top-level
/// keys (Maelstrom's `id`, for one) are ignored.
public struct Envelope: Sendable, Equatable {
  /// The sender's node or client id.
  public var src: String
  /// The receiver's node id.
  public var dest: String
  /// The body, keys in document order.
  public var body: JSONObject
  /// The body's `type`.
  public var type: String

  /// Makes an envelope from its parts; `body` should hold `type` too.
  public init(src: String, dest: String, body: JSONObject, type: String) {
    self.src = src
    self.dest = dest
    self.body = body
    self.type = type
  }

  /// Reads an envelope from a parsed value, or says which part of it is wrong.
  public init(_ value: JSON) throws(EnvelopeError) {
    guard case .object(let top) = value else {
      throw EnvelopeError(reason: "message must be an object, not \(value.kindName)")
    }
    var src: String?
    var dest: String?
    var body: JSONObject?
    var problem: String?
    for f in top.fields {
      switch f.key {
      case "src":
        if case .string(let s) = f.value {
          src = s
        } else {
          problem = problem ?? #"field "src" must be a string"#
        }
      case "dest":
        if case .string(let s) = f.value {
          dest = s
        } else {
          problem = problem ?? #"field "dest" must be a string"#
        }
      case "body":
        if case .object(let o) = f.value {
          body = o
        } else {
          problem = problem ?? #"field "body" must be an object"#
        }
      default:
        continue
      }
    }
    let msgID = body?["msg_id"].flatMap { $0 == .null ? nil : $0 }
    if let problem { throw EnvelopeError(reason: problem, src: src, dest: dest, msgID: msgID) }
    guard let src else { throw EnvelopeError(reason: #"missing field "src""#, msgID: msgID) }
    guard let dest else {
      throw EnvelopeError(reason: #"missing field "dest""#, src: src, msgID: msgID)
    }
    guard let body else { throw EnvelopeError(reason: #"missing field "body""#, src: src) }
    guard let typeValue = body["type"] else {
      throw EnvelopeError(reason: #"missing field "body.type""#, src: src, dest: dest, msgID: msgID)
    }
    guard case .string(let type) = typeValue else {
      throw EnvelopeError(
        reason: #"field "body.type" must be a string"#, src: src, dest: dest, msgID: msgID)
    }
    self.init(src: src, dest: dest, body: body, type: type)
  }

  /// The body's `msg_id`, or nil when it is absent or null.
  public var msgID: JSON? {
    guard let id = body["msg_id"], id != .null else { return nil }
    return id
  }

  /// The body's `in_reply_to`, or nil when the key is absent: a body with the key is a reply,
  /// whatever its value (`null` and strings included), and is never answered.
  public var inReplyTo: JSON? { body["in_reply_to"] }
}

/// Why a JSON value is not a valid envelope, with what is known of its sender to answer it.
public struct EnvelopeError: Error, Sendable, Equatable {
  /// What is wrong, such as `field "src" must be a string`.
  public var reason: String
  /// The sender, when `src` was a string.
  public var src: String?
  /// The body's `msg_id`, when the body was an object with one.
  public var msgID: JSON?
  /// The receiver, when `dest` was a string: the sender of the error reply before `init`.
  public var dest: String?

  /// Makes an envelope error.
  public init(reason: String, src: String? = nil, dest: String? = nil, msgID: JSON? = nil) {
    self.reason = reason
    self.src = src
    self.dest = dest
    self.msgID = msgID
  }
}
