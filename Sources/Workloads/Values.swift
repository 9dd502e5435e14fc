/// Values a peer is owed, in the order they arrived, each at most once.
public struct Values<Value: Hashable & Sendable>: GossipDelta, Equatable {
  /// The values, oldest first.
  public private(set) var items: [Value] = []
  private var members: Set<Value> = []

  /// No values.
  public static var empty: Values { Values() }

  /// No values.
  public init() {}

  /// `items` without repeats.
  public init(_ items: some Sequence<Value>) {
    for v in items { insert(v) }
  }

  /// Whether `value` is held: O(1).
  public func contains(_ value: Value) -> Bool { members.contains(value) }

  /// Appends `value` unless held; returns whether it was new.
  @discardableResult public mutating func insert(_ value: Value) -> Bool {
    guard members.insert(value).inserted else { return false }
    items.append(value)
    return true
  }

  /// Whether there are none.
  public var isEmpty: Bool { items.isEmpty }

  /// Appends the values of `other` not held yet: O(other.count).
  public mutating func merge(_ other: Values) {
    for v in other.items { insert(v) }
  }

  /// Removes and returns the oldest `limit` values.
  public mutating func take(limit: Int) -> Values {
    guard items.count > limit else {
      defer { self = Values() }
      return self
    }
    let head = Values(items[..<limit])
    items.removeFirst(limit)
    members.subtract(head.items)
    return head
  }

  /// Equal when they hold the same values in the same order.
  public static func == (a: Values, b: Values) -> Bool { a.items == b.items }
}
