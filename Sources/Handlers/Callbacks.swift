import NodeRuntime

/// `send_fire_forget`, `pending_count` and `batch_echo`: calls with no timeout of their own,
/// which only the reaper bounds.
final class Callbacks {
  func register(on node: Node) {
    node.handle("send_fire_forget") { node, msg in
      let target = try Target.of(msg, on: node)
      let payload = try msg.objectAsIs("payload")
      // Nobody awaits the reply: the call only exists to be answered or reaped.
      try node.call(target, body: payload, kind: "send_fire_forget") { _, _ in }
      node.reply(to: msg, "send_fire_forget_ok", ["pending": .int(node.pendingCount)])
    }
    node.handle("pending_count") { node, msg in
      node.reply(to: msg, "pending_count_ok", ["count": .int(node.pendingCount)])
    }
    node.handle("batch_echo") { node, msg in
      let values = try msg.array("values")
      guard !values.isEmpty else {
        return node.reply(to: msg, "batch_echo_ok", ["results": []])
      }
      guard node.hasRoom(for: values.count) else {
        throw RPCError(.temporarilyUnavailable, "batch_echo: too many pending calls")
      }
      let batch = Batch(count: values.count)
      for (i, v) in values.enumerated() {
        try node.call(node.nodeID, "echo", ["echo": v], kind: "batch_echo") { node, r in
          batch.complete(i, with: r.reply)
          guard batch.remaining == 0 else { return }
          guard batch.failed == 0 else {
            let text = "batch_echo: \(batch.failed) of \(values.count) echoes got no echo_ok"
            throw RPCError(.timeout, text)
          }
          node.reply(to: r.requester!, "batch_echo_ok", ["results": .array(batch.results)])
        }
      }
    }
  }
}

/// The echoes of one `batch_echo` as they come back, in the order of its values.
private final class Batch {
  var results: [Value]
  var remaining: Int
  var failed = 0

  init(count: Int) {
    results = Array(repeating: .null, count: count)
    remaining = count
  }

  /// Records echo `i`'s reply, or its failure when `reply` is nil or not an `echo_ok`.
  func complete(_ i: Int, with reply: Message?) {
    remaining -= 1
    if let reply, reply.type == "echo_ok", let echo = reply["echo"] {
      results[i] = echo
    } else {
      failed += 1
    }
  }
}
