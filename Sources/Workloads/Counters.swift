import Messenger

/// `g-counter` and `pn-counter`: `add`, `read`. A PN-counter CRDT: each node owns its running
/// totals of increments and of decrements and sends them to every other node when they change;
/// merging keeps the larger of each total, so any order of delivery, any repeat and any partition
/// end in the same value once every node has heard from every other.
public enum Counters {
  /// `pn-counter`: deltas of either sign.
  public static func install(on node: Node) { install(on: node, growOnly: false) }

  /// `g-counter`: a negative delta gets error 12.
  public static func installGrowOnly(on node: Node) { install(on: node, growOnly: true) }

  private static func install(on node: Node, growOnly: Bool) {
    node.onInit { node in
      let gossip = GossipRunner(
        Counter(me: node.nodeID, nodeIDs: node.nodeIDs), field: "entries", encode: encode,
        decode: decode)
      gossip.install(on: node)
      node.handle("add") { node, msg in
        let delta = try msg.int("delta")
        if growOnly && delta < 0 {
          throw msg.malformed("field \"delta\" must be a non-negative integer")
        }
        guard let flushes = gossip.state.add(delta) else {
          throw msg.malformed("field \"delta\" would overflow the counter")
        }
        gossip.arm(flushes, on: node)
        node.reply(to: msg, "add_ok")
      }
      node.handle("read") { node, msg in
        node.reply(to: msg, "read_ok", ["value": .int(gossip.state.value)])
      }
    }
  }

  /// `{"increments": {"n1": 5}, "decrements": {"n1": 2}}`.
  static func encode(_ e: Entries) -> Value {
    func table(_ t: [String: Int]) -> Value {
      .object(t.sorted { $0.key < $1.key }.map { (key: $0.key, value: .int($0.value)) })
    }
    return ["increments": table(e.increments), "decrements": table(e.decrements)]
  }

  static func decode(_ msg: Message) throws(RPCError) -> Entries {
    let entries = try msg.object("entries")
    func table(_ name: String) throws(RPCError) -> [String: Int] {
      let problem = msg.malformed(
        "field \"entries\" must map \(name) to an object of non-negative integers")
      guard let value = entries[name] else { return [:] }
      guard let fields = value.fields else { throw problem }
      var t: [String: Int] = [:]
      for (node, total) in fields {
        guard let n = total.intValue, n >= 0 else { throw problem }
        t[node] = n
      }
      return t
    }
    return Entries(increments: try table("increments"), decrements: try table("decrements"))
  }
}
