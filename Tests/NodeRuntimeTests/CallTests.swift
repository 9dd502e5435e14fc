import Harness
import NodeRuntime
import Policy
import Testing
import Wire

/// The RPC machinery of the runtime, driven through test handlers rather than the real ones.
@Suite struct CallTests {
  /// Counts completions per request, to check each call completes exactly once.
  final class Tally {
    var completions: [Int: Int] = [:]
    var replies = 0
    var timeouts = 0
  }

  /// A node whose `go` request starts a call of `plan` to n2 and whose `ff` sends a reapable one.
  func harness(_ tally: Tally, plan: RetryPlan) -> Harness {
    let h = Harness { node in
      node.handle("go") { node, msg in
        let key = msg.msgID?.intValue ?? -1
        try node.call("n2", "ping", plan: plan) { _, r in
          tally.completions[key, default: 0] += 1
          if r.reply == nil { tally.timeouts += 1 } else { tally.replies += 1 }
        }
      }
      node.handle("ff") { node, msg in
        let key = msg.msgID?.intValue ?? -1
        try node.call("n2", "ping") { _, r in
          tally.completions[key, default: 0] += 1
          if r.reply == nil { tally.timeouts += 1 } else { tally.replies += 1 }
        }
      }
    }
    h.initialize()
    return h
  }

  @Test func everyCallCompletesExactlyOnceWhateverRepliesArriveAndWhen() {
    var rng = SplitMix64(seed: 11)
    let tally = Tally()
    let plan = RetryPlan(
      attempts: 3, timeout: .milliseconds(100),
      backoff: Backoff(base: .milliseconds(10), max: .milliseconds(50), jitter: 0.1))
    let h = harness(tally, plan: plan)
    var sentIDs: [Int] = []
    for request in 0..<300 {
      let kind = request % 3 == 0 ? "ff" : "go"
      h.send(#"{"src":"c1","dest":"n1","body":{"type":"\#(kind)","msg_id":\#(request)}}"#)
      for line in h.take() where line.contains(#""type": "ping""#) {
        sentIDs.append(Int(line.split(separator: #""msg_id": "#)[1].prefix { $0.isNumber })!)
      }
      // Reply to random earlier attempts: some late, some duplicated, some error 11.
      for _ in 0..<Int(rng.next() % 3) where !sentIDs.isEmpty {
        let id = sentIDs[Int(rng.next() % UInt64(sentIDs.count))]
        let body = rng.next() % 4 == 0 ? #""type":"error","code":11"# : #""type":"pong""#
        h.send(#"{"src":"n2","dest":"n1","body":{\#(body),"in_reply_to":\#(id)}}"#)
      }
      h.advance(ms: Double(rng.next() % 40))
    }
    h.endInput()
    h.runUntilIdle()
    #expect(h.runtime.isFinished)
    #expect(h.node.pendingCount == 0)
    #expect(tally.completions.count == 300)
    #expect(tally.completions.values.allSatisfy { $0 == 1 })
    #expect(tally.replies > 0 && tally.timeouts > 0)
  }

  @Test func aCallsAttemptsStayPendingUntilItEndsThenAllGoAtOnce() {
    let tally = Tally()
    let h = harness(tally, plan: RetryPlan(attempts: 3, timeout: .milliseconds(100)))
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":1}}"#)
    #expect(h.node.pendingCount == 1)
    h.advance(ms: 250)
    #expect(h.node.pendingCount == 3)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":2}}"#)
    #expect(h.node.pendingCount == 0)
    #expect(tally.replies == 1)
  }

  @Test func theReaperLeavesCallsWithTheirOwnTimeoutsAlone() {
    let tally = Tally()
    let h = harness(tally, plan: RetryPlan(attempts: 1, timeout: .milliseconds(5000)))
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":1}}"#)
    h.advance(ms: 4999)
    #expect(h.node.pendingCount == 1 && h.node.stats.reaped == 0)
    h.advance(ms: 1)
    #expect(h.node.pendingCount == 0 && tally.timeouts == 1)
  }

  @Test func theNextDeadlineIsAlwaysTheEarliestLiveOne() {
    let tally = Tally()
    let h = harness(tally, plan: RetryPlan(attempts: 1, timeout: .milliseconds(300)))
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":1}}"#)
    h.advance(ms: 100)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":2}}"#)
    #expect(h.runtime.nextDeadline == Instant(nanoseconds: 300_000_000))
    // The first call ends early: its timer is dropped, the second call's is next.
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1}}"#)
    #expect(h.runtime.nextDeadline == Instant(nanoseconds: 400_000_000))
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":2}}"#)
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func aMalformedLineIsLoggedAndTheNextMessageStillAnswered() {
    let h = Harness()
    h.initialize()
    h.feed("{\"src\": oops}\n\n{\"src\":\"c1\",\"dest\":\"n1\",\n  \"body\":{\"type\":\"echo\",\"msg_id\":2,\"echo\":1}}\n")
    #expect(h.take() == [#"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 1, "in_reply_to": 2, "msg_id": 1}}"#])
    #expect(h.node.stats.malformed == 1)
    #expect(h.logs.contains { $0.hasPrefix("WARN malformed input: ") })
  }

  @Test func theTraceLevelLogsEveryMessageInAndOut() {
    var c = Harness.defaultConfig
    c.logLevel = .trace
    let h = Harness(config: c)
    h.send(#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#)
    #expect(h.logs.contains(#"TRACE recv {"src": "c0", "dest": "n1", "body": {"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1"]}}"#))
    #expect(h.logs.contains(#"TRACE sent {"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#))
  }
}
