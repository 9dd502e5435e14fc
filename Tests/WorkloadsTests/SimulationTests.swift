import Testing

@testable import Workloads

/// The gossip designs on simulated time, without a runtime (see `Simulation`).
@Suite struct SimulationTests {
  /// Broadcast at the challenge's settings: 25 nodes, 100 ms latency, 100 operations a second
  /// (half of them broadcasts, half reads) for 20 s. Targets: fewer than 20 messages between
  /// nodes per operation, and a value on every node within a median of 400 ms and a maximum of
  /// 600 ms.
  @Test func aStarMeetsTheBroadcastTargetsAtOnce() {
    var sim = Simulation<GrowSet<Int>>(
      nodeCount: 25, make: { GrowSet(me: $0, nodeIDs: $1, spread: .star) },
      knows: { $0.known.contains($1) }, operation: { $0.add([$1]) })
    sim.run(seconds: 20, perSecond: 50, extraOperations: 1000)
    let (median, max) = sim.visibility()
    #expect(sim.messagesPerOperation < 20)
    #expect(median < 400)
    #expect(max < 600)
    #expect(sim.converged)
    print(
      "broadcast simulation: \(sim.messages) messages for \(sim.operations) operations,"
        + " visibility median \(median) ms, max \(max) ms")
  }

  /// Nodes split in two halves for 5 s of every 10: values reach everyone after the heal.
  static func halves(_ a: String, _ b: String, _ t: Double) -> Bool {
    let side = { (id: String) in Int(id.dropFirst())! % 2 }
    return t < 20_000 && Int(t / 5_000) % 2 == 1 && side(a) != side(b)
  }

  @Test func aStarDeliversEveryValueOncePartitionsHeal() {
    var sim = Simulation<GrowSet<Int>>(
      nodeCount: 5, make: { GrowSet(me: $0, nodeIDs: $1, spread: .star) },
      knows: { $0.known.contains($1) }, operation: { $0.add([$1]) })
    sim.cut = SimulationTests.halves
    sim.run(seconds: 20, perSecond: 20)
    #expect(sim.converged)
  }

  @Test func aMeshSetConvergesOncePartitionsHeal() {
    var sim = Simulation<GrowSet<Int>>(
      nodeCount: 5, make: { GrowSet(me: $0, nodeIDs: $1, spread: .mesh) },
      knows: { $0.known.contains($1) }, operation: { $0.add([$1]) })
    sim.cut = SimulationTests.halves
    sim.run(seconds: 20, perSecond: 20)
    #expect(sim.converged)
  }

  @Test func countersConvergeToTheSumOncePartitionsHeal() {
    // Value v adds v - 5 (either sign), so the sum is known in advance.
    var sim = Simulation<Counter>(
      nodeCount: 5, make: { Counter(me: $0, nodeIDs: $1) }, knows: { _, _ in true },
      operation: { $0.add($1 % 10 - 5) ?? [] })
    sim.cut = SimulationTests.halves
    sim.run(seconds: 20, perSecond: 20)
    let sum = sim.madeAt.keys.reduce(0) { $0 + $1 % 10 - 5 }
    #expect(sim.converged)
    #expect(sim.nodes.values.allSatisfy { $0.value == sum })
  }
}
