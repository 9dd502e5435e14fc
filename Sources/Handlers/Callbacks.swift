import NodeRuntime
import Wire

extension Handlers {
  /// `send_fire_forget`, `pending_count` and `batch_echo`: async RPCs whose callbacks only the
  /// reaper bounds.
  static var callbacks: [String: Handler] {
    [
      "send_fire_forget": { node, msg throws(RPCError) in
        let target = try Handlers.target(of: msg, on: node)
        let payload = try msg.object("payload")
        // Nobody awaits the reply: the callback only exists to be answered or reaped.
        try node.send(target, payload) { _, _ in }
        node.reply(to: msg, "send_fire_forget_ok", [.init("pending", .int(node.pendingCount))])
      },
      "pending_count": { node, msg throws(RPCError) in
        node.reply(to: msg, "pending_count_ok", [.init("count", .int(node.pendingCount))])
      },
      "batch_echo": { node, msg throws(RPCError) in
        let values = try msg.array("values")
        guard !values.isEmpty else {
          return node.reply(to: msg, "batch_echo_ok", [.init("results", .array([]))])
        }
        guard node.hasRoom(for: values.count) else {
          throw RPCError(.temporarilyUnavailable, "batch_echo: too many pending calls")
        }
        let batch = Batch(count: values.count)
        let to = msg.address
        for (i, v) in values.enumerated() {
          let body = JSONObject([.init("type", .string("echo")), .init("echo", v)])
          try node.send(node.nodeID ?? "", body) { node, r in
            batch.complete(i, with: r.reply)
            guard batch.remaining == 0 else { return }
            guard batch.failed == 0 else {
              let text = "batch_echo: \(batch.failed) of \(values.count) echoes got no echo_ok"
              return node.replyError(to: to, RPCError(.timeout, text))
            }
            node.reply(to: to, "batch_echo_ok", [.init("results", .array(batch.results))])
          }
        }
      },
    ]
  }
}

/// The echoes of one `batch_echo` as they come back, in the order of its values.
private final class Batch {
  var results: [JSON]
  var remaining: Int
  var failed = 0

  init(count: Int) {
    results = Array(repeating: .null, count: count)
    remaining = count
  }

  /// Records echo `i`'s reply, or its failure when `reply` is nil or not an `echo_ok`.
  func complete(_ i: Int, with reply: JSONObject?) {
    remaining -= 1
    if let reply, reply["type"] == .string("echo_ok"), let echo = reply["echo"] {
      results[i] = echo
    } else {
      failed += 1
    }
  }
}
