import NodeRuntime

/// Every request type the node answers, and its handler.
public enum Handlers {
  /// The full table, as the executable installs it.
  public static var all: [String: Handler] {
    var table: [String: Handler] = [:]
    for family in [basics, forwarding, backoff, callbacks, observing, dedup, bench, chaos] {
      table.merge(family) { _, _ in preconditionFailure("two handlers for one type") }
    }
    return table
  }
}
