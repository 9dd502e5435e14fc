/// The pending attempts' ids, each with its call's slot, in the order they were sent.
///
/// One counter numbers every message a node sends, so attempts are registered in increasing id
/// order and the table is a sorted log: registering appends, finding is a binary search
/// (O(log n)), and an entry costs 12 bytes, where a hash table costs 16 to 32 (100,000 relays
/// in flight hold two or three ids each). A removed entry is marked; marks at the front are
/// dropped as they reach it (calls mostly end in the order they started), and once marks outnumber
/// live entries they are squeezed out in place (O(1) amortized), so the log never holds more
/// than twice its live entries plus a page. Storage is fixed pages: growing never copies.
struct AttemptLog {
  private static var pageShift: Int { 12 }
  private static var pageSize: Int { 1 << pageShift }
  private static var removed: UInt32 { .max }

  private var idPages: [[Int]] = []
  private var slotPages: [[UInt32]] = []
  /// The first entry kept, counted from the first page's start.
  private var head = 0
  /// Just after the last entry, counted from the first page's start.
  private var end = 0
  /// Removed entries still between `head` and `end`.
  private var marked = 0
  /// The number of live entries.
  private(set) var count = 0

  /// True when no entry is live.
  var isEmpty: Bool { count == 0 }

  private func id(at i: Int) -> Int { idPages[i >> Self.pageShift][i & (Self.pageSize - 1)] }
  private func slot(at i: Int) -> UInt32 {
    slotPages[i >> Self.pageShift][i & (Self.pageSize - 1)]
  }

  /// Appends `id`, which must be above every id appended before, for the call in `slot`.
  mutating func append(_ id: Int, _ slot: UInt32) {
    precondition(end == head || id > self.id(at: end - 1), "attempt ids out of order")
    if end == idPages.count << Self.pageShift {
      // Whole pages, written once here: appending and squeezing only store into them.
      idPages.append([Int](repeating: 0, count: Self.pageSize))
      slotPages.append([UInt32](repeating: Self.removed, count: Self.pageSize))
    }
    set(end, id, slot)
    end += 1
    count += 1
  }

  private mutating func set(_ i: Int, _ id: Int, _ slot: UInt32) {
    idPages[i >> Self.pageShift][i & (Self.pageSize - 1)] = id
    slotPages[i >> Self.pageShift][i & (Self.pageSize - 1)] = slot
  }

  /// Where the live entry of `id` is, if any.
  private func index(of id: Int) -> Int? {
    var lo = head
    var hi = end
    while lo < hi {
      let mid = (lo + hi) >> 1
      if self.id(at: mid) < id { lo = mid + 1 } else { hi = mid }
    }
    guard lo < end, self.id(at: lo) == id, slot(at: lo) != Self.removed else { return nil }
    return lo
  }

  /// The slot of the call whose attempt `id` is, if it is pending.
  subscript(id: Int) -> UInt32? { index(of: id).map(slot(at:)) }

  /// Removes the attempt `id`, if it is pending.
  mutating func remove(_ id: Int) {
    guard let i = index(of: id) else { return }
    slotPages[i >> Self.pageShift][i & (Self.pageSize - 1)] = Self.removed
    count -= 1
    marked += 1
    while head < end && slot(at: head) == Self.removed {
      head += 1
      marked -= 1
    }
    if head == end {
      // Empty: start again at the first page, kept for the next attempts (calls answered one at
      // a time would otherwise allocate a page each); the rest of a burst is given back.
      if idPages.count > 1 {
        idPages.removeSubrange(1...)
        slotPages.removeSubrange(1...)
      }
      (head, end) = (0, 0)
      return
    }
    if head >= Self.pageSize {
      let pages = head >> Self.pageShift
      idPages.removeFirst(pages)
      slotPages.removeFirst(pages)
      head -= pages << Self.pageShift
      end -= pages << Self.pageShift
    }
    if marked > count && marked >= Self.pageSize { squeeze() }
  }

  /// Moves the live entries down over the marked ones, in place, and frees the pages left empty.
  private mutating func squeeze() {
    var w = head
    for r in head..<end where slot(at: r) != Self.removed {
      if w != r { set(w, id(at: r), slot(at: r)) }
      w += 1
    }
    end = w
    marked = 0
    let pages = (end + Self.pageSize - 1) >> Self.pageShift
    idPages.removeSubrange(pages...)
    slotPages.removeSubrange(pages...)
  }
}
