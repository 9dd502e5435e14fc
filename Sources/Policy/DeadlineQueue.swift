/// A binary min-heap of deadlines, each carrying a payload: O(log n) insert and pop. Entries with
/// equal deadlines come out in insertion order, so timers due together fire in the order they
/// were set.
public struct DeadlineQueue<Payload> {
  private struct Entry {
    var deadline: Instant
    var sequence: UInt64
    var payload: Payload

    func precedes(_ other: Entry) -> Bool {
      deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
    }
  }

  private var heap = PagedArray<Entry>()
  private var nextSequence: UInt64 = 0

  /// An empty queue.
  public init() {}

  /// The number of entries.
  public var count: Int { heap.count }

  /// True when no deadline is queued.
  public var isEmpty: Bool { heap.isEmpty }

  /// The earliest deadline and its payload, without removing it.
  public var earliest: (deadline: Instant, payload: Payload)? {
    heap.isEmpty ? nil : (heap[0].deadline, heap[0].payload)
  }

  /// Queues `payload` for `deadline`.
  public mutating func insert(_ payload: Payload, at deadline: Instant) {
    heap.append(Entry(deadline: deadline, sequence: nextSequence, payload: payload))
    nextSequence &+= 1
    var i = heap.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard heap[i].precedes(heap[parent]) else { break }
      heap.swapAt(i, parent)
      i = parent
    }
  }

  /// Removes and returns the earliest entry.
  @discardableResult
  public mutating func popEarliest() -> (deadline: Instant, payload: Payload)? {
    guard !heap.isEmpty else { return nil }
    heap.swapAt(0, heap.count - 1)
    let top = heap.removeLast()!
    var i = 0
    while true {
      let l = 2 * i + 1
      let r = l + 1
      var m = i
      if l < heap.count && heap[l].precedes(heap[m]) { m = l }
      if r < heap.count && heap[r].precedes(heap[m]) { m = r }
      if m == i { break }
      heap.swapAt(i, m)
      i = m
    }
    return (top.deadline, top.payload)
  }
}

/// An array stored in fixed pages, so appending never copies what is stored: no moment holds the
/// old and the new storage of a large array at once. Pages are freed as the array shrinks.
struct PagedArray<Element> {
  private static var pageSize: Int { 4096 }
  private var pages: [[Element]] = []
  /// The number of elements.
  private(set) var count = 0

  /// True when empty.
  var isEmpty: Bool { count == 0 }

  /// The element at `i`.
  subscript(i: Int) -> Element {
    get { pages[i / Self.pageSize][i % Self.pageSize] }
    set { pages[i / Self.pageSize][i % Self.pageSize] = newValue }
  }

  /// Appends `e`.
  mutating func append(_ e: Element) {
    let p = count / Self.pageSize
    if p == pages.count {
      var page: [Element] = []
      page.reserveCapacity(Self.pageSize)
      pages.append(page)
    }
    pages[p].append(e)
    count += 1
  }

  /// Removes and returns the last element. One empty page is kept as a spare, so a count going
  /// back and forth across a page boundary does not allocate a page each time.
  mutating func removeLast() -> Element? {
    guard count > 0 else { return nil }
    count -= 1
    let e = pages[count / Self.pageSize].removeLast()
    if pages.count > count / Self.pageSize + 2 { pages.removeLast() }
    return e
  }

  /// Swaps the elements at `i` and `j`.
  mutating func swapAt(_ i: Int, _ j: Int) {
    guard i != j else { return }
    let t = self[i]
    self[i] = self[j]
    self[j] = t
  }
}
