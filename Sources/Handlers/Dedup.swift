import NodeRuntime
import Policy
import Wire

/// What `dedup_echo` remembers: the last 1000 `(src, msg_id)` pairs and its counters.
final class DedupState {
  /// One request's identity.
  struct Key: Hashable {
    var src: String
    var msgID: JSON
  }

  var seen = LRUSet<Key>(capacity: 1000)
  var total = 0
  var duplicates = 0
}

extension Handlers {
  /// `dedup_echo` and `dedup_stats`.
  static var dedup: [String: Handler] {
    [
      "dedup_echo": { node, msg throws(RPCError) in
        let echo = try msg.value("echo")
        let state = node.state(DedupState.self) { DedupState() }
        state.total += 1
        // A request without msg_id gets no reply and has no identity to remember.
        guard let id = msg.msgID else { return }
        let repeated = state.seen.insert(DedupState.Key(src: msg.src, msgID: id))
        if repeated { state.duplicates += 1 }
        node.reply(
          to: msg, "dedup_echo_ok", [.init("echo", echo), .init("was_duplicate", .bool(repeated))])
      },
      "dedup_stats": { node, msg throws(RPCError) in
        let state = node.state(DedupState.self) { DedupState() }
        node.reply(
          to: msg, "dedup_stats_ok",
          [
            .init("total", .int(state.total)), .init("duplicates", .int(state.duplicates)),
            .init("cache_size", .int(state.seen.count)),
          ])
      },
    ]
  }
}
