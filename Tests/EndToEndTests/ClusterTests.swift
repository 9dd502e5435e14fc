import Glibc
import Testing

/// Two real nodes behind a router that drops, delays, duplicates and partitions their messages:
/// every call still ends exactly once. One test at a time: each runs two nodes, and the backoff
/// test measures time.
@Suite(.serialized) struct ClusterTests {
  func relay(_ id: Int, target: String = "n2", type: String = "relay") -> String {
    #"{"src":"c1","dest":"n1","body":{"type":"\#(type)","msg_id":\#(id),"target":"\#(target)","payload":{"type":"echo","echo":\#(id)}}}"#
  }

  func request(_ id: Int, _ type: String) -> String {
    #"{"src":"c1","dest":"n1","body":{"type":"\#(type)","msg_id":\#(id)}}"#
  }

  @Test func aRelayCompletesAlthoughItsFirstTwoAttemptsAreDropped() {
    // n1's ids: 0 init_ok, 1 to 3 the attempts, 4 the reply; n2's: 0 init_ok, 1 its echo_ok.
    var faults = Faults()
    faults.rule = { msg in msg.src == "n1" && [1, 2].contains(msg.msgID) ? .drop : .deliver }
    let cluster = Cluster(["n1", "n2"], args: ["--seed", "1", "--rpc-timeout-ms", "300"], faults: faults, seed: 1)
    cluster.send(relay(2))
    #expect(cluster.run(within: 20) { !cluster.replies(to: 2).isEmpty })
    cluster.run(for: 0.2)
    #expect(
      cluster.replies(to: 2).map(\.line) == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "relay_ok", "attempts": 3, "result": {"type": "echo_ok", "echo": 2, "in_reply_to": 3, "msg_id": 1}, "in_reply_to": 2, "msg_id": 4}}"#
      ])
    #expect(cluster.nodeLines.filter { $0.src == "n1" }.compactMap(\.msgID) == [1, 2, 3])
    #expect(cluster.dropped == 2)
    #expect(cluster.stderr("n1").filter { $0.contains("INFO rpc retry call=") && $0.contains(" kind=relay dest=n2 attempt=") }.count == 2)
    #expect(cluster.shutdown(within: 10).values.allSatisfy { $0 == 0 })
  }

  @Test func duplicatedRepliesCompleteEachCallOnce() {
    var faults = Faults()
    faults.rule = { msg in msg.src == "n2" && msg.isReply ? Verdict(delays: [0, 0.01]) : .deliver }
    let cluster = Cluster(["n1", "n2"], args: ["--seed", "2"], faults: faults, seed: 2)
    let ids = Array(10..<30)
    for id in ids { cluster.send(relay(id)) }
    #expect(cluster.run(within: 20) { ids.allSatisfy { !cluster.replies(to: $0).isEmpty } })
    cluster.run(for: 0.3)  // Time for a second completion, if there were one.
    for id in ids {
      let replies = cluster.replies(to: id)
      #expect(replies.count == 1 && replies[0].type == "relay_ok", "\(id): \(replies.map(\.line))")
    }
    #expect(cluster.duplicated == ids.count)
    cluster.send(request(99, "stats"))
    #expect(cluster.run(within: 10) { !cluster.replies(to: 99).isEmpty })
    let late = cluster.replies(to: 99).first?.body["late_replies"]?.intValue ?? 0
    #expect(late >= ids.count, "late_replies \(late)")
    #expect(cluster.shutdown(within: 10).values.allSatisfy { $0 == 0 })
  }

  @Test func everyOneOfAThousandRelaysUnderThirtyPercentLossEndsExactlyOnce() {
    var faults = Faults()
    faults.drop = 0.3
    faults.duplicate = 0.05
    faults.delay = 0...0.01
    let cluster = Cluster(["n1", "n2"], args: ["--seed", "3", "--rpc-timeout-ms", "50"], faults: faults, seed: 3)
    let ids = Array(1000..<2000)
    // In waves of 50, so a debug build on a busy machine keeps up and failures come from loss.
    for wave in stride(from: 0, to: ids.count, by: 50) {
      for id in ids[wave..<(wave + 50)] { cluster.send(relay(id)) }
      cluster.run(for: 0.02)
    }
    let answered = cluster.run(within: 60) { Set(cluster.clientLines.compactMap(\.inReplyTo)).count >= ids.count }
    #expect(answered)
    cluster.run(for: 0.3)  // Time for a second reply to any request, if there were one.
    var counts: [Int: Int] = [:]
    for reply in cluster.clientLines where reply.dest == "c1" { counts[reply.inReplyTo ?? -1, default: 0] += 1 }
    #expect(counts.count == ids.count && ids.allSatisfy { counts[$0] == 1 }, "replies per request other than one: \(counts.filter { $0.value != 1 })")
    let ok = cluster.clientLines.filter { $0.type == "relay_ok" }.count
    let failed = cluster.clientLines.filter { $0.type == "error" && $0.body["text"] == .string("RPC failed after 3 attempts") }.count
    #expect(ok + failed == ids.count)
    cluster.send(request(5000, "pending_count"))
    #expect(cluster.run(within: 10) { !cluster.replies(to: 5000).isEmpty })
    #expect(cluster.replies(to: 5000).first?.body["count"] == .int(0))
    print("1000 relays, 30% loss: \(ok) relay_ok, \(failed) gave up; router dropped \(cluster.dropped), duplicated \(cluster.duplicated)")
    #expect(cluster.shutdown(within: 10).values.allSatisfy { $0 == 0 })
  }

  @Test func backoffSpreadsTheRetriesOfAHundredCallers() {
    // Timing on a shared machine: a run whose gaps leave the bounds, or whose callers all retried
    // at one instant, may be a stalled process rather than the node. The same seeded run is
    // repeated, up to three times; a node that backs off wrongly fails every one.
    var failures: [String] = []
    for run in 1...3 {
      let problems = backoffRun()
      if problems.isEmpty { return }
      print("backoff run \(run) inconclusive: \(problems.prefix(5))")
      failures += problems
    }
    Issue.record("the backoff bounds failed in three runs: \(failures.prefix(20))")
  }

  /// One run of the backoff scenario: 100 backoff_relays to a partitioned node. Asserts what
  /// does not depend on timing, prints the spread, and returns the timing problems.
  private func backoffRun() -> [String] {
    // n2 is cut off until the test lifts the partition: every attempt to it is lost.
    var faults = Faults()
    faults.partition = (node: "n2", window: 0..<1e9)
    let timeout = 0.030
    let base = 0.020
    let cluster = Cluster(
      ["n1", "n2"], args: ["--seed", "4", "--rpc-timeout-ms", "30", "--backoff-base-ms", "20"], faults: faults, seed: 4)
    let ids = Array(100..<200)
    for id in ids { cluster.send(relay(id, type: "backoff_relay")) }
    #expect(cluster.run(within: 30) { ids.allSatisfy { !cluster.replies(to: $0).isEmpty } })
    for id in ids {
      #expect(cluster.replies(to: id).map { $0.body["text"] } == [.string("RPC failed after 5 attempts")])
    }
    // Each caller's attempts as the router read them, by the payload's echo (the caller's id).
    var sends: [Int: [Double]] = [:]
    for msg in cluster.nodeLines where msg.dest == "n2" {
      sends[msg.body["echo"]?.intValue ?? -1, default: []].append(msg.at)
    }
    #expect(sends.count == ids.count && sends.values.allSatisfy { $0.count == 5 })
    // The wait before attempt k+2 is the timeout plus delay(k), within its jitter bounds.
    let tolerance = 0.020
    var problems: [String] = []
    for (id, times) in sends.sorted(by: { $0.key < $1.key }) where times.count == 5 {
      for k in 0..<4 {
        let gap = times[k + 1] - times[k]
        let d = base * Double(1 << k)
        let low = timeout + d - tolerance
        let high = timeout + Swift.min(2.0, 1.1 * d) + tolerance
        if gap < low || gap > high { problems.append("caller \(id) gap \(k + 1) \(ms(gap)) ms") }
      }
    }
    // The spread across callers of each attempt's send time, relative to their first attempt.
    var report: [String] = []
    var spreads: [Double] = []
    for k in 1..<5 {
      let offsets = sends.values.filter { $0.count == 5 }.map { $0[k] - $0[0] }.sorted()
      guard offsets.count >= 4 else { break }
      let spread = offsets.last! - offsets.first!
      let iqr = offsets[offsets.count * 3 / 4] - offsets[offsets.count / 4]
      spreads.append(spread)
      report.append(
        "attempt \(k + 1): median \(ms(offsets[offsets.count / 2])) ms, IQR \(ms(iqr)) ms, max-min \(ms(spread)) ms")
    }
    print("backoff spread of 100 callers (base 20 ms, jitter 0.1, timeout 30 ms):\n  " + report.joined(separator: "\n  "))
    // The jitter before attempt 2 is at most 2 ms, which a busy node can fire as one batch; by
    // attempt 5 four jittered waits add up to as much as 30 ms between callers.
    if spreads.count < 4 || spreads[3] <= 0 { problems.append("no spread at attempt 5: \(report)") }
    // Lift the partition: a relay to n2 gets through at once.
    cluster.faults.partition = nil
    cluster.send(relay(300))
    #expect(cluster.run(within: 10) { !cluster.replies(to: 300).isEmpty })
    #expect(cluster.replies(to: 300).first?.body["attempts"] == .int(1))
    #expect(cluster.shutdown(within: 10).values.allSatisfy { $0 == 0 })
    return problems
  }

  private func ms(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10_000).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}
