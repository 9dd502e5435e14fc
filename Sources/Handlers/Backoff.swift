import NodeRuntime
import Policy

/// `compute_backoff`: the node's backoff schedule for given parameters, drawn from its seeded
/// generator; the defaults are the track's backoff settings.
final class ComputeBackoff {
  /// The longest delay `compute_backoff` accepts, in seconds: a day.
  static let longestDelaySeconds = 86_400.0
  let defaults: Backoff

  init(_ defaults: Backoff) { self.defaults = defaults }

  func register(on node: Node) {
    node.handle("compute_backoff") { [self] node, msg in
      guard let retries = try msg.optionalInt("max_retries", in: 0...100) else {
        throw msg.malformed("missing field \"max_retries\"")
      }
      let longest = ComputeBackoff.longestDelaySeconds
      let requirement = "of seconds in (0, \(Int(longest))]"
      let valid = { (s: Double) in s > 0 && s <= longest }
      let base = try msg.optionalNumber("base_delay", requirement: requirement, valid)
      let max = try msg.optionalNumber("max_delay", requirement: requirement, valid)
      let policy = Backoff(
        base: base.map(Self.seconds) ?? defaults.base, max: max.map(Self.seconds) ?? defaults.max,
        jitter: defaults.jitter)
      var schedule: [Value] = []
      var total = 0
      for k in 0..<retries {
        let ms = Int(policy.delay(attempt: k, using: &node.rng).roundedMilliseconds)
        schedule.append(.int(ms))
        total += ms
      }
      node.reply(
        to: msg, "compute_backoff_ok",
        ["schedule_ms": .array(schedule), "total_ms": .int(total), "retries": .int(retries)])
    }
  }

  private static func seconds(_ s: Double) -> Interval {
    Interval(nanoseconds: Int64((s * 1e9).rounded()))
  }
}
