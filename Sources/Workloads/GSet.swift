import Messenger

/// `g-set`: `add`, `read`. A grow-only set gossiped over a mesh: each node sends a new element to
/// every other node itself, so an element needs only its origin and a destination on the same
/// side of a partition; what a peer has not acknowledged stays owed to it until it does.
public enum GSet {
  /// Registers the handlers on `node`, once `init` named it and its peers.
  public static func install(on node: Node) {
    node.onInit { node in
      let gossip = GossipRunner(
        GrowSet<Value>(me: node.nodeID, nodeIDs: node.nodeIDs, spread: .mesh),
        field: "elements", encode: { .array($0.items) },
        decode: { msg throws(RPCError) in Values(try msg.array("elements")) })
      gossip.install(on: node)
      node.handle("add") { node, msg in
        let element = try msg.value("element")
        gossip.arm(gossip.state.add([element]), on: node)
        node.reply(to: msg, "add_ok")
      }
      node.handle("read") { node, msg in
        node.reply(to: msg, "read_ok", ["value": .array(gossip.state.known.items)])
      }
    }
  }
}
