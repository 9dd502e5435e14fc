import Testing

@testable import Workloads

@Suite struct GrowSetTests {
  @Test func aClientValueIsOwedToEveryNeighborOnce() {
    var set = GrowSet<Int>(me: "n1", nodeIDs: ["n1", "n2", "n3"], spread: .star)
    let flushes = set.add([7, 7])
    #expect(flushes.map(\.peer) == ["n2", "n3"])
    #expect(set.add([7]).isEmpty)
    #expect(set.known.items == [7])
    #expect(set.peers.unsent(to: "n2").items == [7])
  }

  @Test func aHubPassesGossipOnToEveryoneButItsSender() {
    var hub = GrowSet<Int>(me: "n1", nodeIDs: ["n1", "n2", "n3"], spread: .star)
    #expect(hub.add([1, 2], from: "n2").map(\.peer) == ["n3"])
    #expect(hub.peers.unsent(to: "n2").isEmpty)
  }

  @Test func aMeshNodeKeepsGossipToItself() {
    var node = GrowSet<Int>(me: "n2", nodeIDs: ["n1", "n2", "n3"], spread: .mesh)
    #expect(node.add([1], from: "n1").isEmpty)
    #expect(node.known.items == [1])
    #expect(node.peers.isQuiet)
  }
}
