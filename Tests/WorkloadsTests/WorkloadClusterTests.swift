import Messenger
import Testing

/// Each workload end to end: nodes in harnesses on virtual time, messages routed between them
/// (`Cluster`), clients' requests and the replies checked.
@Suite struct WorkloadClusterTests {
  @Test func uniqueIDsAreUniqueWithoutAMessageBetweenNodes() {
    let c = Cluster("unique-ids", nodes: 3)
    let requests = (0..<300).map { c.request(c.ids[$0 % 3], "generate") }
    c.run(ms: 10)
    let ids = requests.map { c.reply($0)?["id"] }
    #expect(ids.allSatisfy { $0 != nil })
    #expect(Set(ids).count == 300)
    #expect(c.serverMessages == 0)
    #expect(c.isQuiet)
  }

  @Test func broadcastReachesEveryNodeAndThenArmsNothing() {
    let c = Cluster("broadcast", nodes: 5)
    c.request("n1", "topology", [("topology", ["n1": ["n2"]])])
    for v in 0..<50 { c.request(c.ids[v % 5], "broadcast", [("message", .int(v))]) }
    c.run(ms: 1_000)
    #expect(c.isQuiet)
    for id in c.ids { #expect(read(c, id, "messages") == Set(0..<50)) }
    #expect(c.logs.contains { $0.hasPrefix("DEBUG rpc start") && $0.contains("kind=gossip") })
  }

  @Test func broadcastValuesCrossAPartitionOnceItHeals() {
    let c = Cluster("broadcast", nodes: 5)
    c.sides = ["n1": 0, "n2": 0, "n3": 1, "n4": 1, "n5": 1]
    for v in 0..<20 { c.request(c.ids[v % 5], "broadcast", [("message", .int(v))]) }
    c.run(ms: 5_000)
    #expect(read(c, "n3", "messages") != Set(0..<20))
    c.sides = nil
    c.run(ms: 5_000)
    for id in c.ids { #expect(read(c, id, "messages") == Set(0..<20)) }
    #expect(c.isQuiet)
  }

  @Test func aGSetConvergesAfterAPartition() {
    let c = Cluster("g-set", nodes: 3)
    c.sides = ["n1": 0, "n2": 1, "n3": 1]
    for v in 0..<30 { c.request(c.ids[v % 3], "add", [("element", .int(v))]) }
    c.run(ms: 3_000)
    c.sides = nil
    c.run(ms: 5_000)
    for id in c.ids { #expect(read(c, id, "value") == Set(0..<30)) }
    #expect(c.isQuiet)
  }

  @Test func aPNCounterConvergesToTheSumAfterAPartition() {
    let c = Cluster("pn-counter", nodes: 3)
    c.sides = ["n1": 0, "n2": 1, "n3": 1]
    var sum = 0
    for v in 0..<30 {
      c.request(c.ids[v % 3], "add", [("delta", .int(v % 7 - 3))])
      sum += v % 7 - 3
    }
    c.run(ms: 3_000)
    c.sides = nil
    c.run(ms: 5_000)
    for id in c.ids {
      let r = c.request(id, "read")
      c.run(ms: 50)
      #expect(c.reply(r)?["value"]?.intValue == sum)
    }
    #expect(c.isQuiet)
  }

  @Test func aGCounterRefusesANegativeDelta() {
    let c = Cluster("g-counter", nodes: 2)
    let r = c.request("n1", "add", [("delta", -1)])
    c.run(ms: 50)
    #expect(c.reply(r)?["code"]?.intValue == 12)
    #expect(c.reply(r)?["text"]?.stringValue?.contains("delta") == true)
  }

  /// The messages a read on `node` returns, from its field `field`.
  func read(_ c: Cluster, _ node: String, _ field: String) -> Set<Int> {
    let r = c.request(node, "read")
    c.run(ms: 50)
    return Set(c.reply(r)?[field]?.arrayValue?.compactMap(\.intValue) ?? [-1])
  }
}
