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

  @Test func aBoundedRingKeepsTheNewestInOrder() {
    var r = BoundedRing<Int>(capacity: 3)
    for i in 0..<5 { r.append(i) }
    #expect(r.count == 3 && r.suffix(10) == [2, 3, 4] && r.suffix(2) == [3, 4] && r.suffix(0) == [])
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
