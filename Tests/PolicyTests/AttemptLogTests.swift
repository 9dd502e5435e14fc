import Policy
import Testing

/// The attempts of `PendingCalls` live in a sorted log: these drive it past its page size, with
/// calls ending in order and out of order, against a dictionary as the model.
@Suite struct AttemptLogTests {
  /// Registers `n` attempt ids with gaps, removes them in the order `removal` gives, and checks
  /// the ids touched at every step, a sample of all ids every 101 steps, and every id at the end
  /// of the registrations, against the model.
  func agreesWithAModel(_ n: Int, seed: UInt64, removal: (inout [Int], inout SplitMix64) -> Int) {
    var rng = SplitMix64(seed: seed)
    var p = PendingCalls<Int>(limit: 10 * n)
    var model: [Int: UInt32] = [:]
    var live: [Int] = []
    var next = 0
    var problems: [String] = []
    func check(_ id: Int, _ step: Int) {
      switch (model[id], p.owner(of: id)) {
      case (nil, nil): break
      case (let slot?, .call(let s)?) where s == slot: break
      default: problems.append("attempt \(id) at step \(step)")
      }
    }
    for step in 0..<(3 * n) {
      let id: Int
      if live.isEmpty || (step < 2 * n && rng.next() % 3 != 0) {
        next += 1 + Int(rng.next() % 3)
        id = next
        let slot = UInt32(truncatingIfNeeded: rng.next() % 1000)
        p.registerAttempt(id, call: slot)
        model[id] = slot
        live.append(id)
      } else {
        id = live.remove(at: removal(&live, &rng))
        p.removeAttempt(id)
        model[id] = nil
        // A repeated removal changes nothing.
        p.removeAttempt(id)
      }
      check(id, step)
      if p.count != model.count { problems.append("count \(p.count) at step \(step)") }
      if step % 101 == 0 {
        for _ in 0..<64 { check(Int(rng.next() % UInt64(next + 2)), step) }
      }
      if step == 2 * n { for id in 0...(next + 1) { check(id, step) } }
      if problems.count > 5 { break }
    }
    #expect(problems.isEmpty)
    #expect(p.isEmpty == model.isEmpty)
  }

  @Test func callsEndingMostlyInOrderAreFoundUntilTheyEnd() {
    agreesWithAModel(20_000, seed: 1) { live, rng in rng.next() % 10 == 0 ? live.count - 1 : 0 }
  }

  @Test func callsEndingInAnyOrderAreFoundUntilTheyEnd() {
    agreesWithAModel(20_000, seed: 2) { live, rng in Int(rng.next() % UInt64(live.count)) }
  }

  @Test func aLongCallAtTheFrontKeepsItsIDWhileTheOthersComeAndGo() {
    var p = PendingCalls<Int>(limit: 100_000)
    p.registerAttempt(1, call: 9)
    for id in 2..<50_000 {
      p.registerAttempt(id, call: 0)
      p.removeAttempt(id)
    }
    guard case .call(9) = p.owner(of: 1) else {
      Issue.record("the long call's id was lost")
      return
    }
    #expect(p.count == 1)
    p.removeAttempt(1)
    #expect(p.isEmpty && p.owner(of: 1) == nil)
  }
}
