import Harness
import NodeRuntime
import TestSupport
import Testing

/// Chaos mode, checked draw for draw against Python's `random`.
@Suite struct ChaosTests {
  @Test func chaosDropsExactlyTheEchoesPythonsRandomPicks() throws {
    let script = "import random\nr = random.Random(42)\nprint(' '.join('1' if r.random() < 0.3 else '0' for _ in range(200)))\n"
    guard let python = runPython(script) else {
      Issue.record("python3 is needed for this test")
      return
    }
    let expectedKept = python.split(separator: " ").enumerated().compactMap { i, d in
      d.hasPrefix("0") ? i : nil
    }
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"chaos_on","msg_id":2,"drop_rate":0.3}}"#)
    #expect(h.take() == [#"{"src": "n1", "dest": "c1", "body": {"type": "chaos_on_ok", "drop_rate": 0.3, "in_reply_to": 2, "msg_id": 1}}"#])
    for i in 0..<200 { h.send(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":\#(i + 10),"echo":\#(i)}}"#) }
    let kept = h.take().map { line -> Int in
      let tail = line.split(separator: #""echo": "#)[1]
      return Int(tail.prefix { $0.isNumber })!
    }
    #expect(kept == expectedKept)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"chaos_stats","msg_id":3}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "chaos_stats_ok", "enabled": true, "drop_rate": 0.3, "total_sent": 200, "total_dropped": \#(200 - expectedKept.count), "in_reply_to": 3, "msg_id": 202}}"#
      ])
    #expect(h.logs.filter { $0.hasPrefix("INFO chaos dropped echo_ok") }.count == 200 - expectedKept.count)
  }

  @Test func chaosOffStopsDroppingAndKeepsTheCounters() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"chaos_on","msg_id":2,"drop_rate":1}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":3,"echo":1}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"chaos_off","msg_id":4}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":5,"echo":2}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"chaos_stats","msg_id":6}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "chaos_on_ok", "drop_rate": 1, "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "chaos_off_ok", "in_reply_to": 4, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 2, "in_reply_to": 5, "msg_id": 4}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "chaos_stats_ok", "enabled": false, "drop_rate": 1, "total_sent": 1, "total_dropped": 1, "in_reply_to": 6, "msg_id": 5}}"#,
      ])
  }

  @Test func chaosAppliesToRelayAttemptsSoRetriesShow() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"chaos_on","msg_id":2,"drop_rate":1}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":3,"target":"n2","payload":{"type":"read"}}}"#)
    h.runUntilIdle()
    #expect(h.take().count == 1)  // only chaos_on_ok: the attempts and the error were dropped
    #expect(h.node.stats.retries == 2)
  }

  @Test func chaosOnRejectsARateOutsideZeroToOne() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"chaos_on","msg_id":2,"drop_rate":1.5}}"#)
    #expect(h.take().first?.contains(#""code": 12, "text": "chaos_on: field \"drop_rate\" must be a number in [0, 1]""#) == true)
  }
}
