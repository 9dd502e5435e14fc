import NodeRuntime
import Policy
import Wire

extension Handlers {
  /// The longest delay `compute_backoff` accepts, in seconds: a day.
  static let longestDelaySeconds = 86_400.0

  /// `compute_backoff`: the node's backoff schedule for given parameters, drawn from its seeded
  /// generator.
  static var backoff: [String: Handler] {
    [
      "compute_backoff": { node, msg throws(RPCError) in
        guard let retries = try msg.optionalInt("max_retries", in: 0...100) else {
          throw msg.malformed("missing field \"max_retries\"")
        }
        let defaults = node.config.backoff
        let requirement = "of seconds in (0, \(Int(longestDelaySeconds))]"
        let valid = { (s: Double) in s > 0 && s <= longestDelaySeconds }
        let base = try msg.optionalNumber("base_delay", requirement: requirement, valid)
        let max = try msg.optionalNumber("max_delay", requirement: requirement, valid)
        let policy = Backoff(
          base: base.map(seconds) ?? defaults.base, max: max.map(seconds) ?? defaults.max,
          jitter: defaults.jitter)
        var schedule: [JSON] = []
        var total = 0
        for k in 0..<retries {
          let ms = Int(policy.delay(attempt: k, using: &node.rng).roundedMilliseconds)
          schedule.append(.int(ms))
          total += ms
        }
        node.reply(
          to: msg, "compute_backoff_ok",
          [
            .init("schedule_ms", .array(schedule)), .init("total_ms", .int(total)),
            .init("retries", .int(retries)),
          ])
      }
    ]
  }

  private static func seconds(_ s: Double) -> Duration {
    Duration(nanoseconds: Int64((s * 1e9).rounded()))
  }
}
