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
