/// A table of elements addressed by small integer slots, reused after removal: O(1) insert,
/// lookup and remove. Storage grows a fixed-size page at a time, so growing never copies what is
/// already stored (no transient doubling, unlike an array or a dictionary).
public struct Slab<Element> {
  /// Slots per page.
  public static var pageSize: Int { 1024 }

  private var pages: [[Element?]] = []
  private var freeSlots: [UInt32] = []
  /// The number of elements stored.
  public private(set) var count = 0

  /// An empty slab.
  public init() {}

  /// True when nothing is stored.
  public var isEmpty: Bool { count == 0 }

  /// Stores `element` in a free slot and returns the slot.
  public mutating func insert(_ element: Element) -> UInt32 {
    let slot: UInt32
    if let reused = freeSlots.popLast() {
      slot = reused
    } else {
      if count == pages.count * Self.pageSize {
        pages.append([Element?](repeating: nil, count: Self.pageSize))
      }
      precondition(count < Int(UInt32.max), "slab full")
      slot = UInt32(count)
    }
    pages[Int(slot) / Self.pageSize][Int(slot) % Self.pageSize] = element
    count += 1
    return slot
  }

  /// The element in `slot`, if any; setting nil is not allowed (use `remove`).
  public subscript(slot: UInt32) -> Element? {
    get {
      let p = Int(slot) / Self.pageSize
      return p < pages.count ? pages[p][Int(slot) % Self.pageSize] : nil
    }
    _modify {
      yield &pages[Int(slot) / Self.pageSize][Int(slot) % Self.pageSize]
    }
  }

  /// Removes and returns the element in `slot`, freeing the slot for reuse.
  @discardableResult
  public mutating func remove(_ slot: UInt32) -> Element? {
    let p = Int(slot) / Self.pageSize
    guard p < pages.count, let e = pages[p][Int(slot) % Self.pageSize] else { return nil }
    pages[p][Int(slot) % Self.pageSize] = nil
    count -= 1
    if count == 0 {
      // Empty again: keep one page for the next element (calls answered one at a time would
      // otherwise allocate and free a whole page each), give the rest of a burst back.
      if pages.count > 1 { pages.removeSubrange(1...) }
      if !freeSlots.isEmpty {
        freeSlots.removeAll(keepingCapacity: freeSlots.capacity <= Self.pageSize)
      }
    } else {
      freeSlots.append(slot)
    }
    return e
  }
}
