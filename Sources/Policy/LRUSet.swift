/// A set that holds at most `capacity` keys and forgets the least recently inserted one first.
///
/// `dedup_echo` keeps its last 1000 `(src, msg_id)` pairs in one. Every operation is O(1): a
/// dictionary maps each key to a slot, and the slots form a doubly linked list, most recent
/// first, threaded through arrays of indices rather than one heap object per node.
public struct LRUSet<Key: Hashable> {
  /// The most keys the set holds; inserting one more evicts the least recent.
  public let capacity: Int

  /// The slot of each key.
  @usableFromInline var slotOf: [Key: Int] = [:]
  /// The key in each slot; slots are appended until `capacity`, then reused on eviction.
  @usableFromInline var keys: [Key] = []
  /// The next more recent slot of each slot, or -1 for the head.
  @usableFromInline var newer: [Int] = []
  /// The next less recent slot of each slot, or -1 for the tail.
  @usableFromInline var older: [Int] = []
  /// The most recent slot, or -1 when empty.
  @usableFromInline var head = -1
  /// The least recent slot, the next to evict, or -1 when empty.
  @usableFromInline var tail = -1

  /// Makes an empty set that will hold at most `capacity` keys (at least 1).
  public init(capacity: Int) {
    precondition(capacity >= 1, "an LRU set must hold at least one key")
    self.capacity = capacity
    // Reserve up front for ordinary sizes, so the steady state never rehashes.
    let reserved = Swift.min(capacity, 1 << 16)
    slotOf.reserveCapacity(reserved)
    keys.reserveCapacity(reserved)
    newer.reserveCapacity(reserved)
    older.reserveCapacity(reserved)
  }

  /// The number of keys held, never more than `capacity`.
  @inlinable public var count: Int { slotOf.count }

  /// Whether `key` is held; does not change its recency.
  @inlinable public func contains(_ key: Key) -> Bool { slotOf[key] != nil }

  /// Records `key` as the most recent and returns whether it was already present.
  ///
  /// A new key past `capacity` evicts the least recent one, whose slot it then takes. O(1).
  @discardableResult
  public mutating func insert(_ key: Key) -> Bool {
    if let slot = slotOf[key] {
      unlink(slot)
      linkAtHead(slot)
      return true
    }
    let slot: Int
    if slotOf.count < capacity {
      slot = keys.count
      keys.append(key)
      newer.append(-1)
      older.append(-1)
    } else {
      slot = tail
      unlink(slot)
      slotOf[keys[slot]] = nil
      keys[slot] = key
    }
    slotOf[key] = slot
    linkAtHead(slot)
    return false
  }

  /// Takes `slot` out of the recency list.
  @usableFromInline mutating func unlink(_ slot: Int) {
    let n = newer[slot]
    let o = older[slot]
    if n >= 0 { older[n] = o } else { head = o }
    if o >= 0 { newer[o] = n } else { tail = n }
    newer[slot] = -1
    older[slot] = -1
  }

  /// Puts an unlinked `slot` at the most recent end of the list.
  @usableFromInline mutating func linkAtHead(_ slot: Int) {
    older[slot] = head
    newer[slot] = -1
    if head >= 0 { newer[head] = slot } else { tail = slot }
    head = slot
  }

  /// The keys from most to least recent; O(count), for tests and debugging.
  func keysByRecency() -> [Key] {
    var result: [Key] = []
    var slot = head
    while slot >= 0 {
      result.append(keys[slot])
      slot = older[slot]
    }
    return result
  }
}

extension LRUSet: Sendable where Key: Sendable {}
