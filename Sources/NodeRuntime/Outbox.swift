import Policy
import Wire

/// One line of the envelope log that `get_log` reports.
public struct EnvelopeLogEntry: Sendable, Equatable {
  /// Whether the node received or sent the message.
  public enum Direction: String, Sendable {
    /// Read from stdin.
    case received = "RECV"
    /// Written to stdout.
    case sent = "SENT"
  }

  /// Wall-clock time in milliseconds since the Unix epoch.
  public var unixMilliseconds: Int64
  /// In or out.
  public var direction: Direction
  /// The message's `src`.
  public var src: String
  /// The message's `dest`.
  public var dest: String
  /// The body's `type`.
  public var type: String
}

extension Node {
  /// Replies to `request` with a body of `type`, then `fields` in order, then `in_reply_to` and
  /// `msg_id`. A request without `msg_id` gets no reply.
  public func reply(to request: Message, _ type: String, _ fields: [JSONObject.Field] = []) {
    reply(to: request.address, type, fields, from: nodeID ?? request.dest)
  }

  /// Replies to the request at `address`, as `reply(to:_:_:)` does; `from` overrides the sender.
  public func reply(
    to address: ReplyAddress, _ type: String, _ fields: [JSONObject.Field] = [],
    from src: String? = nil
  ) {
    guard let inReplyTo = address.msgID else { return }
    var body = JSONObject()
    body.fields.reserveCapacity(fields.count + 3)
    body.append("type", .string(type))
    body.fields.append(contentsOf: fields)
    body.append("in_reply_to", inReplyTo)
    emit(from: src ?? nodeID ?? "", to: address.src, type: type, built: body)
  }

  /// Replies to `request` with an error body; `from` overrides the sender (before `init`).
  public func replyError(to request: Message, _ error: RPCError, from src: String? = nil) {
    replyError(to: request.address, error, from: src ?? nodeID ?? request.dest)
  }

  /// Replies to the request at `address` with an error body.
  public func replyError(to address: ReplyAddress, _ error: RPCError, from src: String? = nil) {
    guard let inReplyTo = address.msgID else {
      log(.debug, "no reply without msg_id: error \(error.code.rawValue) \(error.text)")
      return
    }
    let body = errorBody(error.code, error.text, inReplyTo: inReplyTo)
    emit(from: src ?? nodeID ?? "", to: address.src, type: "error", built: body)
  }

  func errorBody(_ code: ErrorCode, _ text: String, inReplyTo: JSON) -> JSONObject {
    JSONObject([
      .init("type", .string("error")), .init("code", .int(code.rawValue)),
      .init("text", .string(text)), .init("in_reply_to", inReplyTo),
    ])
  }

  /// Sends a body the node built (a reply or an error, of `type`): it holds no `msg_id` yet, so
  /// the next one is appended without looking. Returns the id; chaos mode may drop the message,
  /// the id is used anyway.
  @discardableResult
  func emit(from src: String, to dest: String, type: String, built body: consuming JSONObject)
    -> Int
  {
    let id = nextMsgID
    nextMsgID += 1
    body.append("msg_id", .int(id))
    transmit(from: src, to: dest, type: type, body, id: id)
    return id
  }

  /// Sends a body the node forwards (a payload): the next `msg_id` replaces the payload's own in
  /// place, or is appended when it has none. Returns the id, used even if chaos drops it.
  @discardableResult
  func emit(from src: String, to dest: String, forwarding body: consuming JSONObject) -> Int {
    let id = nextMsgID
    nextMsgID += 1
    body["msg_id"] = .int(id)
    transmit(from: src, to: dest, type: body["type"]?.stringValue ?? "", body, id: id)
    return id
  }

  /// Writes one message line, unless chaos drops it, and records it.
  private func transmit(
    from src: String, to dest: String, type: String, _ body: JSONObject, id: Int
  ) {
    if chaos.shouldDrop(type: type) {
      log(.info, "chaos dropped \(type) to \(dest) msg_id=\(id)")
      return
    }
    let start = output.count
    output.append(contentsOf: #"{"src": "#.utf8)
    JSONWriter.appendString(src, to: &output)
    output.append(contentsOf: #", "dest": "#.utf8)
    JSONWriter.appendString(dest, to: &output)
    output.append(contentsOf: #", "body": "#.utf8)
    JSONWriter.append(.object(body), to: &output)
    output.append(contentsOf: "}\n".utf8)
    stats.sent += 1
    record(.sent, src: src, dest: dest, type: type)
    if logger.enabled(.trace) {
      log(.trace, "sent \(String(decoding: output[start..<(output.count - 1)], as: UTF8.self))")
    }
  }

  func record(_ direction: EnvelopeLogEntry.Direction, src: String, dest: String, type: String) {
    envelopeLog.append(
      EnvelopeLogEntry(
        unixMilliseconds: now.unixMilliseconds, direction: direction, src: src, dest: dest,
        type: type))
  }
}

/// Chaos mode: while on, each outgoing message (but the control replies) is dropped when the next
/// draw of a Python-compatible Mersenne Twister is below the drop rate.
public struct ChaosFilter {
  /// Whether messages are being dropped.
  public private(set) var enabled = false
  /// The probability of dropping each message, as the request gave it (an integer stays an
  /// integer in replies).
  public private(set) var dropRate = JSON.double(0.1)
  /// Messages that went through the filter while it was on, dropped ones included.
  public private(set) var totalSent = 0
  /// Messages dropped.
  public private(set) var totalDropped = 0
  private var random = PythonRandom(seed: 42)

  /// Off, with no message counted.
  public init() {}

  /// Turns dropping on with `dropRate`, its generator seeded as Python's `random.seed(seed)`.
  public mutating func turnOn(dropRate: JSON, seed: Int) {
    enabled = true
    self.dropRate = dropRate
    random = PythonRandom(seed: seed)
  }

  /// Turns dropping off; the counters are kept.
  public mutating func turnOff() { enabled = false }

  /// Replies that are never dropped, so chaos can always be observed and switched off.
  static let exempt: Set<String> = ["init_ok", "chaos_on_ok", "chaos_off_ok", "chaos_stats_ok"]

  /// Decides the fate of one outgoing message of `type`, counting it.
  mutating func shouldDrop(type: String) -> Bool {
    guard enabled, !ChaosFilter.exempt.contains(type) else { return false }
    totalSent += 1
    guard random.random() < dropRate.doubleValue ?? 0 else { return false }
    totalDropped += 1
    return true
  }
}
