import Policy
import Testing

/// The attempts of `PendingCalls` live in a sorted log: these drive it past its page size, with
/// calls ending in order and out of order, against a dictionary as the model.
@Suite struct AttemptLogTests {
  /// Registers `n` attempt ids with gaps, removes them in the order `removal` gives, and checks
  /// after every step that each id is found exactly when the model says it is pending.
  func agreesWithAModel(_ n: Int, seed: UInt64, removal: (inout [Int], inout SplitMix64) -> Int) {
    var rng = SplitMix64(seed: seed)
    var p = PendingCalls<Int>(limit: 10 * n)
    var model: [Int: UInt32] = [:]
    var live: [Int] = []
    var next = 0
    for step in 0..<(3 * n) {
      if live.isEmpty || (step < 2 * n && rng.next() % 3 != 0) {
        next += 1 + Int(rng.next() % 3)
        let slot = UInt32(truncatingIfNeeded: rng.next() % 1000)
        p.registerAttempt(next, call: slot)
        model[next] = slot
        live.append(next)
      } else {
        let id = live.remove(at: removal(&live, &rng))
        p.removeAttempt(id)
        model[id] = nil
        // A repeated removal, and a lookup of what just went, change nothing.
        p.removeAttempt(id)
        #expect(p.owner(of: id) == nil)
      }
      #expect(p.count == model.count)
      if step % 997 == 0 || live.count < 3 {
        for id in 0...(next + 1) {
          if let slot = model[id] {
            guard case .call(let s) = p.owner(of: id), s == slot else {
              Issue.record("attempt \(id) lost at step \(step)")
              return
            }
          } else if p.owner(of: id) != nil {
            Issue.record("attempt \(id) found after its removal at step \(step)")
            return
          }
        }
      }
    }
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
