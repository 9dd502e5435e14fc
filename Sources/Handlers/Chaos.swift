import NodeRuntime
import Policy

/// `chaos_on`, `chaos_off` and `chaos_stats`: dropping outgoing messages on purpose, through the
/// track's send filter.
final class Chaos {
  var filter = ChaosFilter()

  /// Decides the fate of the outgoing message `out`, logging a drop.
  func shouldDrop(_ out: Outgoing, on node: Node) -> Bool {
    guard filter.shouldDrop(type: out.type) else { return false }
    node.log(.info, "chaos dropped", "\(out.type) to \(out.dest) msg_id=\(out.msgID)")
    return true
  }

  func register(on node: Node) {
    node.handle("chaos_on") { [self] node, msg in
      // The rate is echoed as given, so an integer 1 stays 1 as it would in Python.
      let given = try msg.optionalNumber("drop_rate", requirement: "in [0, 1]") {
        (0...1).contains($0)
      }
      let rate = given == nil ? Value.double(0.1) : msg["drop_rate"]!
      let seed = try msg.optionalInt("seed", in: Int.min...Int.max) ?? 42
      filter.turnOn(dropRate: rate, seed: seed)
      // The filter sees every message sent while chaos is on, and costs nothing while it is off.
      node.sendFilter = { [self] node, out in !shouldDrop(out, on: node) }
      node.log(.info, "chaos on", "drop_rate=\(rate) seed=\(seed)")
      node.reply(to: msg, "chaos_on_ok", ["drop_rate": rate])
    }
    node.handle("chaos_off") { [self] node, msg in
      filter.turnOff()
      node.sendFilter = nil
      node.log(.info, "chaos off")
      node.reply(to: msg, "chaos_off_ok")
    }
    node.handle("chaos_stats") { [self] node, msg in
      let c = filter
      node.reply(
        to: msg, "chaos_stats_ok",
        [
          "enabled": .bool(c.enabled), "drop_rate": c.dropRate,
          "total_sent": .int(c.totalSent), "total_dropped": .int(c.totalDropped),
        ])
    }
  }
}

/// Chaos mode: while on, each outgoing message (but the control replies) is dropped when the next
/// draw of a Python-compatible Mersenne Twister is below the drop rate.
struct ChaosFilter {
  /// Whether messages are being dropped.
  private(set) var enabled = false
  /// The probability of dropping each message, as the request gave it (an integer stays an
  /// integer in replies).
  private(set) var dropRate = Value.double(0.1)
  /// Messages that went through the filter while it was on, dropped ones included.
  private(set) var totalSent = 0
  /// Messages dropped.
  private(set) var totalDropped = 0
  /// Seeded by `turnOn`, and drawn from only while on; lazy, so that a node that never turns
  /// chaos on does not seed a Mersenne Twister at startup (about 36,000 instructions).
  private lazy var random = PythonRandom(seed: 42)

  /// Turns dropping on with `dropRate`, its generator seeded as Python's `random.seed(seed)`.
  mutating func turnOn(dropRate: Value, seed: Int) {
    enabled = true
    self.dropRate = dropRate
    random = PythonRandom(seed: seed)
  }

  /// Turns dropping off; the counters are kept.
  mutating func turnOff() { enabled = false }

  /// Replies that are never dropped, so chaos can always be observed and switched off.
  static let exempt: Set<String> = ["init_ok", "chaos_on_ok", "chaos_off_ok", "chaos_stats_ok"]

  /// Decides the fate of one outgoing message of `type`, counting it.
  mutating func shouldDrop(type: String) -> Bool {
    guard enabled, !ChaosFilter.exempt.contains(type) else { return false }
    totalSent += 1
    guard random.random() < dropRate.doubleValue ?? 0 else { return false }
    totalDropped += 1
    return true
  }
}
