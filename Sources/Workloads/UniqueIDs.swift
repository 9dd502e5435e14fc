import Messenger

/// `unique-ids`: `generate` answers `<node id>-<counter>`. Node ids are unique and each node
/// counts on its own, so no message goes between nodes and no timer is armed: totally available.
public enum UniqueIDs {
  /// Registers `generate` on `node`, once `init` named it.
  public static func install(on node: Node) {
    node.onInit { node in
      let ids = Held(IDs(node: node.nodeID))
      node.handle("generate") { node, msg in
        node.reply(to: msg, "generate_ok", ["id": .string(ids.value.next())])
      }
    }
  }
}

/// A value the handlers of one family share: they capture this box, never the node.
final class Held<State> {
  /// The state.
  var value: State

  init(_ value: State) { self.value = value }
}
