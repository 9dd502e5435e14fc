import NodeRuntime

/// Every request type the node answers, and its handler.
public enum Handlers {
  /// The full table, as the executable installs it.
  public static var all: [String: Handler] {
    var table: [String: Handler] = [:]
    for family in [basics, forwarding, backoff, callbacks, observing, dedup, bench, chaos] {
      table.merge(family) { _, _ in preconditionFailure("two handlers for one type") }
    }
    return table
  }
}

extension Handlers {
  /// Maelstrom's services, which a node may address besides the nodes of `node_ids`.
  static let services: Set<String> = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"]

  /// The string field `target` of `msg`, which must name a node of `node_ids` or a Maelstrom
  /// service: Maelstrom stops reading the stdout of a node that writes to an unknown `dest`, so
  /// any other target is error 1 and nothing is sent. O(nodes), a handful.
  static func target(of msg: Message, on node: Node) throws(RPCError) -> String {
    let target = try msg.string("target")
    guard node.nodeIDs.contains(target) || services.contains(target) else {
      throw RPCError(.nodeNotFound, "\(msg.type): unknown node \"\(target)\"")
    }
    return target
  }
}
