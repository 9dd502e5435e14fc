import Testing

@testable import Workloads

@Suite struct SpreadTests {
  let ids = ["n1", "n2", "n3", "n4", "n5"]

  @Test func aStarHasTheFirstIDAsItsHub() {
    #expect(Spread.star.neighbors(of: "n1", among: ids).peers == ["n2", "n3", "n4", "n5"])
    #expect(Spread.star.neighbors(of: "n4", among: ids).peers == ["n1"])
    #expect(Spread.star.neighbors(of: "n4", among: ids).forwards)
  }

  @Test func aMeshIsEveryoneElseAndNeverForwards() {
    let (peers, forwards) = Spread.mesh.neighbors(of: "n3", among: ids)
    #expect(peers == ["n1", "n2", "n4", "n5"])
    #expect(!forwards)
  }

  @Test func aTreeLinksParentsAndChildrenBothWays() {
    let tree = Spread.tree(fanout: 2)
    #expect(tree.neighbors(of: "n1", among: ids).peers == ["n2", "n3"])
    #expect(tree.neighbors(of: "n2", among: ids).peers == ["n1", "n4", "n5"])
    #expect(tree.neighbors(of: "n5", among: ids).peers == ["n2"])
  }

  @Test func aNodeNotAmongTheIDsHasNoNeighbors() {
    #expect(Spread.star.neighbors(of: "n9", among: ids).peers.isEmpty)
  }
}
