/// A first-in first-out queue in one growable circular array: O(1) amortized push and pop, no
/// allocation per element.
public struct Ring<Element> {
  private var slots: [Element?] = []
  private var head = 0
  /// The number of elements queued.
  public private(set) var count = 0

  /// An empty queue.
  public init() {}

  /// True when nothing is queued.
  @inlinable public var isEmpty: Bool { count == 0 }

  /// The oldest element, if any.
  public var first: Element? { count == 0 ? nil : slots[head] }

  /// The newest element, if any.
  public var last: Element? { count == 0 ? nil : slots[(head + count - 1) % slots.count] }

  /// Adds `element` at the back, doubling the storage when full.
  public mutating func append(_ element: Element) {
    if count == slots.count { grow() }
    slots[(head + count) % slots.count] = element
    count += 1
  }

  /// Removes and returns the oldest element.
  @discardableResult
  public mutating func removeFirst() -> Element? {
    guard count > 0 else { return nil }
    let e = slots[head]
    slots[head] = nil
    head = (head + 1) % slots.count
    count -= 1
    return e
  }

  /// Removes everything and gives the storage back.
  public mutating func removeAll() {
    slots = []
    head = 0
    count = 0
  }

  /// The element `i` places from the oldest (0 is the oldest).
  public subscript(i: Int) -> Element {
    precondition(i >= 0 && i < count, "ring index out of range")
    return slots[(head + i) % slots.count]!
  }

  private mutating func grow() {
    var bigger = [Element?](repeating: nil, count: Swift.max(16, slots.count * 2))
    for i in 0..<count { bigger[i] = slots[(head + i) % slots.count] }
    slots = bigger
    head = 0
  }
}

/// A ring that keeps only the newest `capacity` elements: appending to a full ring overwrites
/// the oldest in place (no element is moved or wrapped in an optional, so appending costs one
/// store once full).
public struct BoundedRing<Element> {
  private var items: [Element] = []
  /// Where the next element goes once full: the oldest element's index.
  private var next = 0
  /// The most elements kept.
  public let capacity: Int

  /// An empty ring that keeps at most `capacity` elements.
  public init(capacity: Int) {
    precondition(capacity > 0, "a bounded ring needs room for one element")
    self.capacity = capacity
  }

  /// The number of elements kept.
  public var count: Int { items.count }

  /// Appends `element`, dropping the oldest when full.
  public mutating func append(_ element: Element) {
    if items.count < capacity {
      items.append(element)
      return
    }
    items[next] = element
    next += 1
    if next == capacity { next = 0 }
  }

  /// The newest `n` elements (all when `n` exceeds the count), oldest first.
  public func suffix(_ n: Int) -> [Element] {
    let k = Swift.min(Swift.max(n, 0), items.count)
    let oldest = items.count < capacity ? 0 : next
    return (items.count - k..<items.count).map { items[(oldest + $0) % items.count] }
  }
}
