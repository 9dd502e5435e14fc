/// Which peers a node gossips with, chosen by the node itself (Maelstrom's suggested grid has
/// up to 4 hops between corners and 4 neighbors each, which costs both latency and messages).
public enum Spread: Equatable, Sendable {
  /// Every node talks to one hub (the first id in order), which talks to everyone: 2 hops from
  /// any node to any other, and one message per leaf per batch.
  case star
  /// Every node talks to every other directly, and nobody forwards: 1 hop, most robust under
  /// partitions (a value needs only its origin and its destination on the same side).
  case mesh
  /// A tree of `fanout` children per node over the ids in order: log(n) hops.
  case tree(fanout: Int)

  /// The neighbors of `me` among `nodeIDs`, and whether values learned from one neighbor are
  /// passed on to the others (in a tree, yes; in a mesh, the origin reaches everyone itself).
  public func neighbors(of me: String, among nodeIDs: [String]) -> (peers: [String], forwards: Bool)
  {
    let ids = nodeIDs.sorted()
    guard let i = ids.firstIndex(of: me) else { return ([], false) }
    switch self {
    case .star:
      return (i == 0 ? Array(ids.dropFirst()) : [ids[0]], true)
    case .mesh:
      return (ids.filter { $0 != me }, false)
    case .tree(let fanout):
      precondition(fanout > 0, "a tree needs a positive fanout")
      var peers = i == 0 ? [] : [ids[(i - 1) / fanout]]
      let first = i * fanout + 1
      if first < ids.count { peers += ids[first..<min(first + fanout, ids.count)] }
      return (peers, true)
    }
  }
}

extension Spread {
  /// How long news waits before a flush to a peer, in milliseconds, for a node with `peerCount`
  /// peers. Each flush costs a message (and its acknowledgement) per peer, so a node with many
  /// peers (the hub) gathers news longer; a leaf has one peer and forwards almost at once.
  /// With 25 nodes, 100 ms latency and 50 broadcasts a second, this keeps a value within about
  /// 10 + 100 + 60 + 100 ms of every node and under 10 messages per operation
  /// (`BroadcastSimulationTests` measures both).
  public static func batchWaitMs(peerCount: Int) -> Int { peerCount > 1 ? 60 : 10 }
}
