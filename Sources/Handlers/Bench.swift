import NodeRuntime
import Policy

/// `bench_echo` and `bench_stats`: latencies from reading a request to building its reply, on a
/// fine-grained monotonic clock, and throughput since the first message.
final class Bench {
  var latencies = LatencyHistogram()
  /// When the first valid message arrived.
  var firstMessageAt: Instant?
  /// Reads the monotonic clock at the moment of the call; nil: the callback's reading.
  let clock: (() -> Instant)?

  init(clock: (() -> Instant)?) { self.clock = clock }

  /// Notes the first valid message received (the receive tap): it starts the clock, and the
  /// tap removes itself, so the messages after it cost nothing here.
  func saw(_ message: Message, on node: Node) {
    if firstMessageAt == nil { firstMessageAt = message.receivedAt.monotonic }
    node.receiveTap = nil
  }

  func register(on node: Node) {
    node.handle("bench_echo") { [self] node, msg in
      let echo = try msg.value("echo")
      let latency = (clock?() ?? node.now.monotonic) - msg.receivedAt.monotonic
      let us = Swift.max(0, latency.wholeMicroseconds)
      latencies.record(us)
      node.reply(to: msg, "bench_echo_ok", ["echo": echo, "latency_us": .int(Int(us))])
    }
    node.handle("bench_stats") { [self] node, msg in
      let total = node.stats.received
      let elapsed = firstMessageAt.map { node.now.monotonic - $0 } ?? .zero
      let perSecond = elapsed > .zero ? Double(total) / (elapsed.milliseconds / 1000) : 0
      node.reply(
        to: msg, "bench_stats_ok",
        [
          "total_messages": .int(total),
          "elapsed_ms": .int(Int(elapsed.roundedMilliseconds)),
          "throughput_per_sec": .double(Bench.rounded(perSecond)),
          "avg_latency_us": .double(Bench.rounded(latencies.mean)),
          "p99_latency_us": .int(Int(latencies.percentile(99))),
        ])
    }
  }

  /// `x` to two decimals, as the figures are printed.
  private static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
