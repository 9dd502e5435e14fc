import Policy
import Testing

@Suite struct PendingCallsTests {
  func ms(_ v: Int64) -> Instant { Instant(nanoseconds: v * 1_000_000) }

  @Test func reapingTakesOnlyCallbacksOlderThanTheCutoffOldestFirst() {
    var p = PendingCalls<String>(limit: 10)
    p.registerCallback(1, "a", at: ms(0))
    p.registerAttempt(2, call: 7)
    p.registerCallback(3, "c", at: ms(10))
    p.registerCallback(4, "d", at: ms(20))
    var seen: [String] = []
    let n = p.reap(registeredBefore: ms(20)) { _, callback in seen.append(callback) }
    #expect(n == 2 && seen == ["a", "c"])
    #expect(p.count == 2 && p.reapableCount == 1)
    guard case .call(7) = p.owner(of: 2), case .callback("d") = p.owner(of: 4) else {
      Issue.record("owners lost")
      return
    }
  }

  @Test func answeredCallbacksAreNeverReaped() {
    var p = PendingCalls<Int>(limit: 10)
    p.registerCallback(1, 1, at: ms(0))
    p.registerCallback(2, 2, at: ms(1))
    #expect(p.removeCallback(1) == 1)
    #expect(p.removeCallback(1) == nil)
    var seen: [Int] = []
    #expect(p.reap(registeredBefore: ms(100)) { id, _ in seen.append(id) } == 1)
    #expect(seen == [2] && p.isEmpty)
  }

  @Test func attemptsCountAsPendingButAreNeverReaped() {
    var p = PendingCalls<Int>(limit: 10)
    p.registerAttempt(1, call: 0)
    p.registerAttempt(2, call: 0)
    #expect(p.count == 2 && p.reapableCount == 0)
    #expect(p.reap(registeredBefore: ms(1_000_000)) { _, _ in } == 0)
    p.removeAttempt(1)
    p.removeAttempt(2)
    #expect(p.isEmpty && p.owner(of: 1) == nil)
  }

  @Test func theOldestReapableSkipsAnsweredIds() {
    var p = PendingCalls<Int>(limit: 10)
    p.registerCallback(1, 1, at: ms(0))
    p.registerCallback(2, 2, at: ms(5))
    _ = p.removeCallback(1)
    #expect(p.oldestReapable() == ms(5))
    _ = p.removeCallback(2)
    #expect(p.oldestReapable() == nil)
  }

  @Test func roomAccountsForTheLimitAndReservedSlots() {
    var p = PendingCalls<Int>(limit: 3)
    #expect(p.hasRoom(for: 3) && !p.hasRoom(for: 4))
    p.registerAttempt(1, call: 0)
    #expect(p.hasRoom(for: 2) && !p.hasRoom(for: 2, reserved: 1))
  }

  @Test func aPassThatReapsNothingLooksOnlyAtTheFront() {
    var p = PendingCalls<Int>(limit: 100_000)
    for i in 0..<100_000 { p.registerCallback(i, i, at: ms(Int64(i))) }
    #expect(p.reap(registeredBefore: ms(0)) { _, _ in } == 0)
    #expect(p.reap(registeredBefore: ms(3)) { _, _ in } == 3)
    #expect(p.count == 99_997)
  }
}

@Suite struct SlabTests {
  @Test func slotsAreReusedAndElementsStayPut() {
    var s = Slab<String>()
    let a = s.insert("a")
    let b = s.insert("b")
    #expect(s.remove(a) == "a" && s[a] == nil && s[b] == "b")
    let c = s.insert("c")
    #expect(c == a && s[c] == "c" && s.count == 2)
    s[b]! += "!"
    #expect(s[b] == "b!")
  }

  @Test func aSlabGrowsPageByPageAndMatchesADictionary() {
    var s = Slab<Int>()
    var model: [UInt32: Int] = [:]
    var rng = SplitMix64(seed: 5)
    for i in 0..<20_000 {
      if rng.next() % 3 == 0, let k = model.keys.first {
        #expect(s.remove(k) == model.removeValue(forKey: k))
      } else {
        model[s.insert(i)] = i
      }
    }
    #expect(s.count == model.count)
    for (k, v) in model { #expect(s[k] == v) }
  }

  @Test func anEmptiedSlabStartsOver() {
    var s = Slab<Int>()
    let slots = (0..<3000).map { s.insert($0) }
    for slot in slots { s.remove(slot) }
    #expect(s.isEmpty && s.insert(9) == 0)
  }
}

@Suite struct DeadlineQueueTests {
  @Test func entriesComeOutByDeadlineThenInInsertionOrder() {
    var q = DeadlineQueue<String>()
    let t = { (ms: Int64) in Instant(nanoseconds: ms * 1_000_000) }
    q.insert("late", at: t(30))
    q.insert("first", at: t(10))
    q.insert("second", at: t(10))
    q.insert("middle", at: t(20))
    q.insert("third", at: t(10))
    var order: [String] = []
    while let e = q.popEarliest() { order.append(e.payload) }
    #expect(order == ["first", "second", "third", "middle", "late"])
  }

  @Test func aLargeRandomQueueComesOutSorted() {
    var q = DeadlineQueue<Int>()
    var rng = SplitMix64(seed: 3)
    for i in 0..<5000 { q.insert(i, at: Instant(nanoseconds: Int64(rng.next() % 1000))) }
    var last = Instant(nanoseconds: -1)
    var n = 0
    while let e = q.popEarliest() {
      #expect(e.deadline >= last)
      last = e.deadline
      n += 1
    }
    #expect(n == 5000)
  }

  /// Pops everything; each entry is (deadline in ms, payload).
  private func drain(_ q: inout DeadlineQueue<Int>) -> [Int] {
    var out: [Int] = []
    while let e = q.popEarliest() { out.append(e.payload) }
    return out
  }

  @Test func timeoutsSetAFixedIntervalFromAClockThatGoesOnNeverReachTheHeap() {
    // Three timeouts in use (as three retry plans), set as the clock moves on, popped as due.
    var q = DeadlineQueue<Int>()
    var rng = SplitMix64(seed: 7)
    var now: Int64 = 0
    var popped = 0
    for i in 0..<20_000 {
      now += Int64(rng.next() % 3)
      let timeout: Int64 = [500, 1_000, 60_000][Int(rng.next() % 3)]
      q.insert(i, at: Instant(nanoseconds: (now + timeout) * 1_000_000))
      while let e = q.earliest, e.deadline.nanoseconds <= now * 1_000_000 {
        q.popEarliest()
        popped += 1
      }
      #expect(q.heapCount == 0)
    }
    #expect(q.count == 20_000 - popped)
    #expect(popped > 0)
  }

  @Test func lanesAndTheHeapTogetherComeOutByDeadlineThenInsertionOrder() {
    // Runs in order, out-of-order entries, equal deadlines, pops in between, pages filled and
    // freed: every entry comes out where a stable sort by deadline puts it.
    var rng = SplitMix64(seed: 11)
    for round in 0..<10 {
      var q = DeadlineQueue<Int>()
      var model: [(deadline: Int64, payload: Int)] = []
      var out: [Int] = []
      var want: [Int] = []
      var next = 0
      var base: [Int64] = [0, 0, 0, 0, 0, 0]
      for _ in 0..<(300 * (round + 1)) {
        let pattern = Int(rng.next() % 10)
        let deadline: Int64
        if pattern < 6 {
          // One of six rising sequences: more of them than there are lanes.
          base[pattern] += Int64(rng.next() % 4)
          deadline = base[pattern] + Int64(pattern) * 100
        } else if pattern < 8 {
          deadline = Int64(rng.next() % 3_000)
        } else {
          deadline = 1_000  // Many equal deadlines, in lanes and in the heap.
        }
        q.insert(next, at: Instant(nanoseconds: deadline))
        model.append((deadline, next))
        next += 1
        if rng.next() % 4 == 0, let e = q.popEarliest() {
          out.append(e.payload)
          // The model's earliest: the smallest deadline, the first inserted among equals.
          let m = model.indices.min { model[$0].deadline < model[$1].deadline }!
          want.append(model.remove(at: m).payload)
        }
      }
      #expect(q.count == model.count)
      out += drain(&q)
      want += model.enumerated().sorted {
        ($0.element.deadline, $0.offset) < ($1.element.deadline, $1.offset)
      }.map(\.element.payload)
      let wrong = zip(out, want).enumerated().first { $0.element.0 != $0.element.1 }
      #expect(out.count == want.count && wrong == nil, "round \(round): first wrong pop \(String(describing: wrong))")
      #expect(q.isEmpty && q.earliest == nil)
    }
  }

  @Test func equalDeadlinesInDifferentLanesComeOutInInsertionOrder() {
    var q = DeadlineQueue<Int>()
    let t = { (ms: Int64) in Instant(nanoseconds: ms * 1_000_000) }
    q.insert(0, at: t(50))  // Lane 1.
    q.insert(1, at: t(10))  // Earlier than lane 1's last: lane 2.
    q.insert(2, at: t(50))  // Extends lane 1.
    q.insert(3, at: t(20))  // Extends lane 2.
    q.insert(4, at: t(50))  // Lane 1 (the latest last at or before 50).
    q.insert(5, at: t(50))
    #expect(q.heapCount == 0)
    #expect(drain(&q) == [1, 3, 0, 2, 4, 5])
  }

  @Test func droppingDeadEntriesStopsAtTheFirstLiveOneInLanesAndHeapAlike() {
    var q = DeadlineQueue<Int>()
    let t = { (ms: Int64) in Instant(nanoseconds: ms * 1_000_000) }
    for (payload, ms) in [(0, 50), (1, 40), (2, 30), (3, 20), (4, 10), (5, 60), (6, 5)] {
      q.insert(payload, at: t(Int64(ms)))  // Some in lanes, the rest in the heap.
    }
    #expect(q.heapCount > 0)
    var looked: [Int] = []
    let dead: Set = [6, 4, 2]
    let next = q.dropEarliest { _, payload in
      looked.append(payload)
      return dead.contains(payload)
    }
    #expect(next == t(20) && looked == [6, 4, 3] && q.count == 5)
    #expect(q.dropEarliest { _, _ in true } == nil && q.isEmpty)
  }

  @Test func aLaneThatEmptiesAcrossManyPagesStartsOverInOrder() {
    var q = DeadlineQueue<Int>()
    for round in 0..<3 {
      for i in 0..<5_000 { q.insert(round * 10_000 + i, at: Instant(nanoseconds: Int64(i))) }
      #expect(drain(&q) == Array((round * 10_000)..<(round * 10_000 + 5_000)))
    }
    q.insert(1, at: Instant(nanoseconds: 3))
    #expect(q.popEarliest()?.payload == 1 && q.isEmpty)
  }
}

@Suite struct RingTests {
  @Test func aRingIsFirstInFirstOutAcrossGrowth() {
    var r = Ring<Int>()
    for i in 0..<10 { r.append(i) }
    for i in 0..<5 { #expect(r.removeFirst() == i) }
    for i in 10..<40 { r.append(i) }
    var out: [Int] = []
    while let x = r.removeFirst() { out.append(x) }
    #expect(out == Array(5..<40))
  }
}

@Suite struct TimeTests {
  @Test func wallTimeFormatsAsISO8601WithMilliseconds() {
    #expect(ClockReading.iso8601(unixMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
    #expect(ClockReading.iso8601(unixMilliseconds: 1_795_428_902_481) == "2026-11-23T10:15:02.481Z")
    #expect(ClockReading.iso8601(unixMilliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    #expect(ClockReading.iso8601(unixMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
  }

  @Test func durationsRoundToNearestMillisecond() {
    #expect(Interval(nanoseconds: 1_499_999).roundedMilliseconds == 1)
    #expect(Interval(nanoseconds: 1_500_000).roundedMilliseconds == 2)
    #expect(Interval.milliseconds(500).description == "500ms")
    #expect(Interval.microseconds(1250).description == "1.25ms")
  }
}
