import NodeRuntime
import Wire

extension Handlers {
  /// `init` and `echo`.
  static var basics: [String: Handler] {
    [
      "init": { node, msg throws(RPCError) in
        let id = try msg.string("node_id")
        // The node's id is the `src` of all it writes: an empty one would make it unaddressable.
        guard !id.isEmpty else { throw msg.malformed("field \"node_id\" must not be empty") }
        let ids = try msg.array("node_ids")
        var names: [String] = []
        names.reserveCapacity(ids.count)
        for v in ids {
          guard case .string(let s) = v else {
            throw msg.malformed("field \"node_ids\" must be an array of strings")
          }
          names.append(s)
        }
        node.initialize(nodeID: id, nodeIDs: names)
        node.log(.info, "init node_id=\(id) node_ids=\(names.joined(separator: ","))")
        node.reply(to: msg, "init_ok")
      },
      "echo": { node, msg throws(RPCError) in
        node.reply(to: msg, "echo_ok", [.init("echo", try msg.value("echo"))])
      },
    ]
  }
}
