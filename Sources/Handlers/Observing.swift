import NodeRuntime
import Policy

/// `stats`, `validate` and `get_log`: looking at the node and at messages. `get_log` reports
/// the envelopes the node keeps (`Node.keepEnvelopes`): the most recent 100 in and out.
final class Observing {
  static let keptEnvelopes = 100

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
    node.handle("get_log") { node, msg in
      let count = try msg.optionalInt("count", in: 0...Int.max) ?? Observing.keptEnvelopes
      let entries = node.envelopes(last: count).map { e -> Value in
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
