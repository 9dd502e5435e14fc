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

  private var heap: [Entry] = []
  private var nextSequence: UInt64 = 0

  /// An empty queue.
  public init() {}

  /// The number of entries.
  public var count: Int { heap.count }

  /// True when no deadline is queued.
  public var isEmpty: Bool { heap.isEmpty }

  /// The earliest deadline and its payload, without removing it.
  public var earliest: (deadline: Instant, payload: Payload)? {
    heap.first.map { ($0.deadline, $0.payload) }
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
    let top = heap.removeLast()
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
