import Messenger

/// `broadcast`: `topology`, `broadcast`, `read`. Values spread over a star of our own (the first
/// node id is the hub; Maelstrom's suggested topology is acknowledged and not used): a value
/// reaches every node in two hops, and each leaf's news leaves in one message to the hub, whose
/// news leaves in one message per leaf every 60 ms at most. See `Spread` and `GossipRunner`.
public enum Broadcast {
  /// Registers the handlers on `node`, once `init` named it and its peers.
  public static func install(on node: Node) {
    node.onInit { node in
      let gossip = GossipRunner(
        GrowSet<Value>(me: node.nodeID, nodeIDs: node.nodeIDs, spread: .star),
        field: "messages", encode: { .array($0.items) },
        decode: { msg throws(RPCError) in Values(try msg.array("messages")) })
      gossip.install(on: node)
      node.handle("topology") { node, msg in
        _ = try msg.object("topology")
        node.reply(to: msg, "topology_ok")
      }
      node.handle("broadcast") { node, msg in
        let value = try msg.value("message")
        gossip.arm(gossip.state.add([value]), on: node)
        node.reply(to: msg, "broadcast_ok")
      }
      node.handle("read") { node, msg in
        node.reply(to: msg, "read_ok", ["messages": .array(gossip.state.known.items)])
      }
    }
  }
}
