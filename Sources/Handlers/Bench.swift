import NodeRuntime
import Policy
import Wire

/// The latencies `bench_echo` measured.
final class BenchState {
  var latencies = LatencyHistogram()
}

extension Handlers {
  /// `bench_echo` and `bench_stats`.
  static var bench: [String: Handler] {
    [
      "bench_echo": { node, msg throws(RPCError) in
        let echo = try msg.value("echo")
        // From reading the request to building its reply, on the node's fine-grained clock.
        let latency = node.preciseNow() - msg.receivedAt.monotonic
        let us = Swift.max(0, latency.wholeMicroseconds)
        node.state(BenchState.self) { BenchState() }.latencies.record(us)
        node.reply(
          to: msg, "bench_echo_ok", [.init("echo", echo), .init("latency_us", .int(Int(us)))])
      },
      "bench_stats": { node, msg throws(RPCError) in
        let latencies = node.state(BenchState.self) { BenchState() }.latencies
        let total = node.stats.received
        let elapsed = node.firstMessageAt.map { node.now.monotonic - $0 } ?? .zero
        let perSecond = elapsed > .zero ? Double(total) / (elapsed.milliseconds / 1000) : 0
        node.reply(
          to: msg, "bench_stats_ok",
          [
            .init("total_messages", .int(total)),
            .init("elapsed_ms", .int(Int(elapsed.roundedMilliseconds))),
            .init("throughput_per_sec", .double(rounded(perSecond))),
            .init("avg_latency_us", .double(rounded(latencies.mean))),
            .init("p99_latency_us", .int(Int(latencies.percentile(99)))),
          ])
      },
    ]
  }

  /// `x` to two decimals, as the figures are printed.
  private static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
