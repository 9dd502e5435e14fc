import Testing

@testable import Workloads

@Suite struct CounterTests {
  @Test func addsOfEitherSignSumAndOweOnlyTheNodesOwnEntries() {
    var c = Counter(me: "n1", nodeIDs: ["n1", "n2"])
    #expect(c.add(5)?.map(\.peer) == ["n2"])
    #expect(c.add(-3) == [])  // the flush is armed already
    #expect(c.value == 2)
    #expect(c.peers.unsent(to: "n2") == Entries(increments: ["n1": 5], decrements: ["n1": 3]))
  }

  @Test func mergingTakesTheLargerEntryInAnyOrder() {
    var a = Counter(me: "n1", nodeIDs: ["n1", "n2"])
    _ = a.add(1)
    a.merge(Entries(increments: ["n2": 4], decrements: ["n2": 1]))
    a.merge(Entries(increments: ["n2": 2]))  // older news: changes nothing
    #expect(a.value == 4)
  }

  @Test func anAddThatWouldOverflowIsRefusedAndChangesNothing() {
    var c = Counter(me: "n1", nodeIDs: ["n1"])
    #expect(c.add(Int.max) != nil)
    #expect(c.add(1) == nil)
    #expect(c.add(Int.min) == nil)
    #expect(c.value == Int.max)
    #expect(c.add(0) == [])
  }
}
