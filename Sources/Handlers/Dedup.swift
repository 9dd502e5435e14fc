import NodeRuntime
import Policy

/// `dedup_echo` and `dedup_stats`: an LRU of the last 1000 `(src, msg_id)` pairs and counters.
final class Dedup {
  /// One request's identity.
  struct Key: Hashable {
    var src: String
    var msgID: Value
  }

  var seen = LRUSet<Key>(capacity: 1000)
  var total = 0
  var duplicates = 0

  func register(on node: Node) {
    node.handle("dedup_echo") { [self] node, msg in
      let echo = try msg.value("echo")
      total += 1
      // A request without msg_id gets no reply and has no identity to remember.
      guard let id = msg.msgID else { return }
      let repeated = seen.insert(Key(src: msg.src, msgID: id))
      if repeated { duplicates += 1 }
      node.reply(to: msg, "dedup_echo_ok", ["echo": echo, "was_duplicate": .bool(repeated)])
    }
    node.handle("dedup_stats") { [self] node, msg in
      node.reply(
        to: msg, "dedup_stats_ok",
        [
          "total": .int(total), "duplicates": .int(duplicates), "cache_size": .int(seen.count),
        ])
    }
  }
}
