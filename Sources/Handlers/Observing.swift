import NodeRuntime
import Policy

/// One line of the envelope log that `get_log` reports.
struct EnvelopeLogEntry {
  /// Whether the node received or sent the message.
  enum Direction: UInt8 {
    /// Read from stdin.
    case received
    /// Written to stdout.
    case sent

    /// As `get_log` names it.
    var name: String { self == .received ? "RECV" : "SENT" }
  }

  /// Wall-clock time in milliseconds since the Unix epoch.
  var unixMilliseconds: Int64
  var direction: Direction
  var src: String
  var dest: String
  var type: String
}

/// The newest `capacity` envelopes in and out, in fixed slots allocated once, each overwritten
/// in place (a ring of entries in an array copied each entry through its value witnesses and
/// checked the array's uniqueness: about 230 instructions a record, two records an echo).
final class EnvelopeLog {
  let capacity: Int
  private let slots: UnsafeMutablePointer<EnvelopeLogEntry>
  /// The slot the next record goes to.
  private var next = 0
  /// The records kept, up to `capacity`.
  private(set) var count = 0

  init(capacity: Int) {
    precondition(capacity > 0, "the envelope log needs room for one entry")
    self.capacity = capacity
    slots = .allocate(capacity: capacity)
    slots.initialize(
      repeating: EnvelopeLogEntry(
        unixMilliseconds: 0, direction: .received, src: "", dest: "", type: ""),
      count: capacity)
  }

  deinit {
    slots.deinitialize(count: capacity)
    slots.deallocate()
  }

  func record(
    _ ms: Int64, _ direction: EnvelopeLogEntry.Direction, _ src: String, _ dest: String,
    _ type: String
  ) {
    let k = next
    slots[k] = EnvelopeLogEntry(
      unixMilliseconds: ms, direction: direction, src: src, dest: dest, type: type)
    next = k + 1 == capacity ? 0 : k + 1
    if count < capacity { count += 1 }
  }

  /// The newest `n` entries (all when `n` exceeds the count), oldest first.
  func suffix(_ n: Int) -> [EnvelopeLogEntry] {
    let n = Swift.min(Swift.max(n, 0), count)
    return (0..<n).map { j in slots[(next - n + j + capacity) % capacity] }
  }
}

/// `stats`, `validate` and `get_log`: looking at the node and at messages. Keeps the most recent
/// 100 envelopes in and out, fed by the track's taps.
final class Observing {
  let envelopeLog = EnvelopeLog(capacity: 100)

  /// Records one message in or out, stamped with the node's wall clock.
  func record(
    _ direction: EnvelopeLogEntry.Direction, _ src: String, _ dest: String, _ type: String,
    on node: Node
  ) {
    envelopeLog.record(node.now.unixMilliseconds, direction, src, dest, type)
  }

  func register(on node: Node) {
    node.handle("stats") { node, msg in
      let s = node.stats
      node.reply(
        to: msg, "stats_ok",
        [
          "received": .int(s.received), "sent": .int(s.sent), "pending": .int(node.pendingCount),
          "rpc_attempts": .int(s.rpcAttempts), "retries": .int(s.retries),
          "timeouts": .int(s.timeouts), "reaped": .int(s.reaped),
          "late_replies": .int(s.lateReplies), "malformed": .int(s.malformed),
        ])
    }
    node.handle("validate") { node, msg in
      let text = try msg.string("payload")
      var valid = false
      var fields: [Value] = []
      if let value = Value(parsing: text) {
        valid = Observing.isEnvelope(value)
        for (key, v) in value.fields ?? [] {
          if let inner = v.keys {
            for k in inner { fields.append(.string(key + "." + k)) }
          } else {
            fields.append(.string(key))
          }
        }
      }
      node.reply(to: msg, "validate_ok", ["valid": .bool(valid), "fields": .array(fields)])
    }
    node.handle("get_log") { [self] node, msg in
      let count = try msg.optionalInt("count", in: 0...Int.max) ?? envelopeLog.capacity
      let entries = envelopeLog.suffix(count).map { e -> Value in
        .object([
          "ts": .string(ClockReading.iso8601(unixMilliseconds: e.unixMilliseconds)),
          "dir": .string(e.direction.name), "src": .string(e.src), "dest": .string(e.dest),
          "msg_type": .string(e.type),
        ])
      }
      node.reply(to: msg, "get_log_ok", ["entries": .array(entries)])
    }
  }

  /// True when `value` is a valid envelope (SPEC section 2): `src` and `dest` strings, `body` an
  /// object with a string `type`.
  static func isEnvelope(_ value: Value) -> Bool {
    guard value.isObject, value["src"]?.stringValue != nil, value["dest"]?.stringValue != nil,
      let body = value["body"], body.isObject, body["type"]?.stringValue != nil
    else { return false }
    return true
  }
}
