/// Deadlines, each carrying a payload, in a few first-in first-out lanes beside a binary min-heap.
/// Entries with equal deadlines come out in insertion order, so timers due together fire in the
/// order they were set.
///
/// Most timers are set a fixed interval from a clock that never goes back (every attempt of a plan
/// waits the plan's timeout), so their deadlines arrive in order: such an entry is appended to the
/// lane it extends, O(1), and popped from its front, O(1), as libevent's common timeouts do. Only
/// an entry earlier than the last of every lane, with every lane taken, goes to the heap,
/// O(log n). That is what makes a timer whose work is gone cheap: it is dropped when it comes up
/// (the runtime's `nextDeadline`), a pop from the front of a lane instead of a heap's sift-down.
public struct DeadlineQueue<Payload> {
  private struct Entry {
    var deadline: Instant
    var sequence: UInt64
    var payload: Payload

    func precedes(_ other: Entry) -> Bool {
      deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
    }
  }

  /// The most lanes: each holds deadlines in order; the earliest is found among their fronts and
  /// the heap's top, so a few are enough (one per distinct timeout or period in use).
  static var laneLimit: Int { 4 }

  private var heap = PagedArray<Entry>()
  private var lanes: [PagedQueue<Entry>] = []
  private var nextSequence: UInt64 = 0

  /// An empty queue.
  public init() {}

  /// The number of entries.
  public private(set) var count = 0

  /// True when no deadline is queued.
  public var isEmpty: Bool { count == 0 }

  /// The number of entries in the heap rather than a lane (for tests: what costs O(log n)).
  public var heapCount: Int { heap.count }

  /// The earliest deadline and its payload, without removing it.
  public var earliest: (deadline: Instant, payload: Payload)? {
    guard let e = earliestEntry() else { return nil }
    return (e.deadline, e.payload)
  }

  /// Queues `payload` for `deadline`.
  public mutating func insert(_ payload: Payload, at deadline: Instant) {
    let entry = Entry(deadline: deadline, sequence: nextSequence, payload: payload)
    nextSequence &+= 1
    count += 1
    // The lane whose last deadline is the latest at or before this one; else an empty lane.
    var best = -1
    var empty = -1
    for i in lanes.indices {
      guard let last = lanes[i].lastDeadline else {
        if empty < 0 { empty = i }
        continue
      }
      if last <= deadline && (best < 0 || lanes[best].lastDeadline! < last) { best = i }
    }
    if best < 0 && empty < 0 && lanes.count < Self.laneLimit {
      lanes.append(PagedQueue())
      empty = lanes.count - 1
    }
    if best >= 0 || empty >= 0 {
      return lanes[best >= 0 ? best : empty].append(entry, deadline: deadline)
    }
    heap.append(entry)
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
    guard count > 0 else { return nil }
    let e = remove(from: earliestLane())
    return (e.deadline, e.payload)
  }

  /// Removes earliest entries for as long as `isDead` says their work is gone; returns the
  /// earliest deadline left, or nil. What a dead timer costs: one look and one pop, O(1) from a
  /// lane, with no second search for the earliest.
  public mutating func dropEarliest(while isDead: (Instant, Payload) -> Bool) -> Instant? {
    while count > 0 {
      let lane = earliestLane()
      let e = lane.map { lanes[$0].first! } ?? heap[0]
      guard isDead(e.deadline, e.payload) else { return e.deadline }
      remove(from: lane)
    }
    return nil
  }

  /// Removes the first entry of `lane`, or the heap's top for nil.
  @discardableResult
  private mutating func remove(from lane: Int?) -> Entry {
    count -= 1
    if let lane { return lanes[lane].removeFirst() }
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
    return top
  }

  /// The lane whose front is the earliest entry of all, or nil when that is the heap's top.
  private func earliestLane() -> Int? {
    var best: Int? = nil
    var bestEntry: Entry? = heap.isEmpty ? nil : heap[0]
    for i in lanes.indices {
      guard let front = lanes[i].first else { continue }
      if bestEntry.map({ front.precedes($0) }) ?? true {
        best = i
        bestEntry = front
      }
    }
    return best
  }

  private func earliestEntry() -> Entry? {
    guard count > 0 else { return nil }
    if let lane = earliestLane() { return lanes[lane].first }
    return heap[0]
  }
}

/// A first-in first-out queue stored in fixed pages, with the deadline of its last entry: O(1) at
/// both ends, no copy of what is stored as it grows. A page is freed once its last entry is taken;
/// the one page of a queue that empties is kept and written over, so a queue that goes from one
/// entry to none and back allocates nothing (its taken entries are kept until written over: the
/// payloads queued here hold no references).
private struct PagedQueue<Element> {
  private static var pageSize: Int { 1024 }
  /// `pages[0][head]` is the first entry; the entries before it in `pages[0]` were taken.
  private var pages: [[Element]] = []
  private var head = 0
  /// The entries used in the last page; those after them were taken and wait to be written over.
  private var tail = 0
  /// The deadline of the last entry appended, while there is any entry.
  private(set) var lastDeadline: Instant?

  /// The first entry, if any.
  var first: Element? { lastDeadline == nil ? nil : pages[0][head] }

  /// Appends `e`, whose deadline is `deadline`, at or after every deadline in the queue.
  mutating func append(_ e: Element, deadline: Instant) {
    precondition(lastDeadline.map { $0 <= deadline } ?? true, "a lane holds deadlines in order")
    if pages.isEmpty || tail == Self.pageSize {
      var page: [Element] = []
      page.reserveCapacity(Self.pageSize)
      pages.append(page)
      tail = 0
    }
    let last = pages.count - 1
    if tail < pages[last].count {
      pages[last][tail] = e
    } else {
      pages[last].append(e)
    }
    tail += 1
    lastDeadline = deadline
  }

  /// Removes and returns the first entry; the queue is not empty.
  mutating func removeFirst() -> Element {
    let e = pages[0][head]
    head += 1
    if pages.count == 1 && head == tail {
      // Empty: start over at the front of the one page left.
      head = 0
      tail = 0
      lastDeadline = nil
    } else if head == Self.pageSize {
      pages.removeFirst()  // Used up; a later page holds the next entry.
      head = 0
    }
    return e
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
