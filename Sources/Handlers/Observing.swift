import NodeRuntime
import Policy
import Wire

extension Handlers {
  /// `stats`, `validate` and `get_log`: looking at the node and at messages.
  static var observing: [String: Handler] {
    [
      "stats": { node, msg throws(RPCError) in
        let s = node.stats
        node.reply(
          to: msg, "stats_ok",
          [
            .init("received", .int(s.received)), .init("sent", .int(s.sent)),
            .init("pending", .int(node.pendingCount)), .init("rpc_attempts", .int(s.rpcAttempts)),
            .init("retries", .int(s.retries)), .init("timeouts", .int(s.timeouts)),
            .init("reaped", .int(s.reaped)), .init("late_replies", .int(s.lateReplies)),
            .init("malformed", .int(s.malformed)),
          ])
      },
      "validate": { node, msg throws(RPCError) in
        let text = try msg.string("payload")
        var valid = false
        var fields: [JSON] = []
        if let value = try? JSON.parse(text) {
          valid = (try? Envelope(value)) != nil
          for f in value.objectValue?.fields ?? [] {
            if case .object(let inner) = f.value {
              for g in inner.fields { fields.append(.string(f.key + "." + g.key)) }
            } else {
              fields.append(.string(f.key))
            }
          }
        }
        node.reply(
          to: msg, "validate_ok", [.init("valid", .bool(valid)), .init("fields", .array(fields))])
      },
      "get_log": { node, msg throws(RPCError) in
        let count = try msg.optionalInt("count", in: 0...Int.max) ?? node.envelopeLog.capacity
        let entries = node.envelopeLog.suffix(count).map { e -> JSON in
          .object(
            JSONObject([
              .init("ts", .string(ClockReading.iso8601(unixMilliseconds: e.unixMilliseconds))),
              .init("dir", .string(e.direction.rawValue)), .init("src", .string(e.src)),
              .init("dest", .string(e.dest)), .init("msg_type", .string(e.type)),
            ]))
        }
        node.reply(to: msg, "get_log_ok", [.init("entries", .array(entries))])
      },
    ]
  }
}
