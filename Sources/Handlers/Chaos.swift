import NodeRuntime
import Wire

extension Handlers {
  /// `chaos_on`, `chaos_off` and `chaos_stats`: dropping outgoing messages on purpose.
  static var chaos: [String: Handler] {
    [
      "chaos_on": { node, msg throws(RPCError) in
        // The rate is echoed as given, so an integer 1 stays 1 as it would in Python.
        let given = try msg.optionalNumber("drop_rate", requirement: "in [0, 1]") {
          (0...1).contains($0)
        }
        let rate = given == nil ? JSON.double(0.1) : msg["drop_rate"]!
        let seed = try msg.optionalInt("seed", in: Int.min...Int.max) ?? 42
        node.chaos.turnOn(dropRate: rate, seed: seed)
        node.log(.info, "chaos on drop_rate=\(rate.pythonText) seed=\(seed)")
        node.reply(to: msg, "chaos_on_ok", [.init("drop_rate", rate)])
      },
      "chaos_off": { node, msg throws(RPCError) in
        node.chaos.turnOff()
        node.log(.info, "chaos off")
        node.reply(to: msg, "chaos_off_ok")
      },
      "chaos_stats": { node, msg throws(RPCError) in
        let c = node.chaos
        node.reply(
          to: msg, "chaos_stats_ok",
          [
            .init("enabled", .bool(c.enabled)), .init("drop_rate", c.dropRate),
            .init("total_sent", .int(c.totalSent)), .init("total_dropped", .int(c.totalDropped)),
          ])
      },
    ]
  }
}
