/// Unique ids without coordination: the node's id and a counter, e.g. `n3-17`. Node ids are
/// unique in a cluster and each node counts up from 1, so no two ids are equal; no message, no
/// timer, totally available.
public struct IDs: Sendable {
  /// This node's id, the prefix.
  public let node: String
  /// The counter's last value.
  public private(set) var last = 0

  /// Ids for `node`.
  public init(node: String) { self.node = node }

  /// The next id.
  public mutating func next() -> String {
    last += 1
    return "\(node)-\(last)"
  }
}
