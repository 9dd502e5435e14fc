import Testing

@testable import Policy

@Test func insertingTheThousandAndFirstKeyEvictsTheOldest() {
  var lru = LRUSet<Int>(capacity: 1000)
  for k in 0..<1000 { #expect(lru.insert(k) == false) }
  #expect(lru.count == 1000)
  #expect(lru.insert(1000) == false)
  #expect(lru.count == 1000)
  #expect(!lru.contains(0))
  #expect(lru.contains(1))
  #expect(lru.contains(1000))
}

@Test func aRepeatedKeyIsReportedAndBecomesTheMostRecent() {
  var lru = LRUSet<String>(capacity: 3)
  lru.insert("a")
  lru.insert("b")
  lru.insert("c")
  #expect(lru.insert("a") == true)
  #expect(lru.keysByRecency() == ["a", "c", "b"])
  // "b" is now the least recent, so it goes first, and "a" survives.
  lru.insert("d")
  #expect(!lru.contains("b"))
  #expect(lru.contains("a"))
  #expect(lru.keysByRecency() == ["d", "a", "c"])
}

@Test func anEvictedKeyCountsAsNewWhenItReturns() {
  var lru = LRUSet<Int>(capacity: 2)
  lru.insert(1)
  lru.insert(2)
  lru.insert(3)
  #expect(lru.insert(1) == false)
  #expect(lru.keysByRecency() == [1, 3])
}

@Test func countNeverExceedsCapacity() {
  var lru = LRUSet<UInt64>(capacity: 50)
  var rng = SplitMix64(seed: 5)
  for _ in 0..<10_000 {
    lru.insert(rng.next() % 200)
    #expect(lru.count <= 50)
    #expect(lru.keysByRecency().count == lru.count)
  }
  #expect(lru.count == 50)
}

@Test func itAgreesWithASimpleModelOnRandomInsertions() {
  var lru = LRUSet<UInt64>(capacity: 16)
  var model: [UInt64] = []  // most recent first
  var rng = SplitMix64(seed: 77)
  for _ in 0..<5_000 {
    let key = rng.next() % 40
    let wasPresent = model.contains(key)
    model.removeAll { $0 == key }
    model.insert(key, at: 0)
    if model.count > 16 { model.removeLast() }
    #expect(lru.insert(key) == wasPresent)
  }
  #expect(lru.keysByRecency() == model)
}

@Test func aSetOfCapacityOneKeepsOnlyTheLastKey() {
  var lru = LRUSet<Int>(capacity: 1)
  lru.insert(1)
  #expect(lru.insert(1) == true)
  #expect(lru.insert(2) == false)
  #expect(!lru.contains(1))
  #expect(lru.count == 1)
}
