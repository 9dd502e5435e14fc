import Harness
import NodeRuntime
import Policy
import Testing

/// `backoff_relay` and `compute_backoff`: the waits between attempts, drawn from the seeded
/// generator.
@Suite struct BackoffRelayTests {
  let backoffRelay = #"{"src":"c1","dest":"n1","body":{"type":"backoff_relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#

  /// The delays the node's generator gives for seed `seed`, computed independently.
  func expectedDelays(seed: UInt64, count: Int, base: Int64 = 100, max: Int64 = 2000) -> [Interval] {
    var rng = SplitMix64(seed: seed)
    let policy = Backoff(base: .milliseconds(base), max: .milliseconds(max), jitter: 0.1)
    return (0..<count).map { policy.delay(attempt: $0, using: &rng) }
  }

  @Test func aBackoffRelayToASilentNodeWaitsTheSeededDelaysBetweenItsFiveAttempts() {
    let h = Harness()
    h.initialize()
    h.send(backoffRelay)
    h.runUntilIdle()
    let out = h.takeOutputs()
    #expect(out.count == 6)
    let delays = expectedDelays(seed: 7, count: 4)
    var t = 0.0
    for k in 0..<5 {
      #expect(out[k].ms == t, "attempt \(k + 1)")
      #expect(out[k].line.contains(#""msg_id": \#(k + 1)}"#))
      if k < 4 { t += 500 + delays[k].milliseconds }
    }
    #expect(out[5].ms == t + 500)
    #expect(out[5].line.contains(#""text": "RPC failed after 5 attempts""#))
    for (k, d) in delays.enumerated() {
      let low = 100.0 * Double(1 << k)
      #expect(d.milliseconds >= low && d.milliseconds <= Swift.min(2000, 1.1 * low))
    }
  }

  @Test func aBackoffRelayReportsItsAttemptsAndTheDelayItTook() {
    let h = Harness()
    h.initialize()
    h.send(backoffRelay)
    let d0 = expectedDelays(seed: 7, count: 1)[0]
    h.advance(ms: 500 + d0.milliseconds + 10)  // attempt 2 is out, waiting
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":2}}"#)
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "backoff_relay_ok", "attempts": 2, "total_delay_ms": \#(d0.roundedMilliseconds), "result": {"type": "read_ok", "in_reply_to": 2}, "in_reply_to": 2, "msg_id": 3}}"#
    )
  }

  @Test func aReplyDuringABackoffWaitCountsOnlyTheTimeWaited() {
    let h = Harness()
    h.initialize()
    h.send(backoffRelay)
    h.advance(ms: 550)  // attempt 1 timed out at 500; waiting about 100 ms
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":1}}"#)
    #expect(h.take().last?.contains(#""attempts": 1, "total_delay_ms": 50,"#) == true)
  }

  @Test func theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    func schedule(seed: UInt64) -> String? {
      var c = Harness.defaultConfig
      c.seed = seed
      let h = Harness(config: c)
      h.initialize()
      h.send(#"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":2,"max_retries":8,"base_delay":0.1}}"#)
      return h.take().first
    }
    #expect(schedule(seed: 1) == schedule(seed: 1))
    #expect(schedule(seed: 1) != schedule(seed: 2))
  }

  @Test func computeBackoffReturnsTheScheduleItsTotalAndTheRetries() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":2,"max_retries":3,"base_delay":0.1}}"#)
    let ms = expectedDelays(seed: 7, count: 3).map { Int($0.roundedMilliseconds) }
    let list = ms.map(String.init).joined(separator: ", ")
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "compute_backoff_ok", "schedule_ms": [\#(list)], "total_ms": \#(ms.reduce(0, +)), "retries": 3, "in_reply_to": 2, "msg_id": 1}}"#
      ])
    #expect(ms[0] >= 100 && ms[0] <= 110 && ms[1] >= 200 && ms[1] <= 220 && ms[2] >= 400 && ms[2] <= 440)
  }

  @Test func computeBackoffCapsAtMaxDelayAndAcceptsZeroRetries() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":2,"max_retries":6,"base_delay":1,"max_delay":5}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":3,"max_retries":0}}"#)
    let out = h.take()
    #expect(out[0].contains(#""schedule_ms": ["#) && out[0].contains(#"5000, 5000, 5000], "total_ms": "#))
    #expect(out[1].contains(#""schedule_ms": [], "total_ms": 0, "retries": 0,"#))
  }

  @Test(arguments: [
    (#""max_retries":101"#, #"compute_backoff: field \"max_retries\" must be an integer in 0...100"#),
    (#""max_retries":2.5"#, #"compute_backoff: field \"max_retries\" must be an integer in 0...100"#),
    (#""base_delay":0.1"#, #"compute_backoff: missing field \"max_retries\""#),
    (#""max_retries":2,"base_delay":-1"#, #"compute_backoff: field \"base_delay\" must be a number of seconds in (0, 86400]"#),
    (#""max_retries":2,"base_delay":"x""#, #"compute_backoff: field \"base_delay\" must be a number of seconds in (0, 86400]"#),
    (#""max_retries":2,"max_delay":0"#, #"compute_backoff: field \"max_delay\" must be a number of seconds in (0, 86400]"#),
  ])
  func computeBackoffRejectsBadInputWithErrorTwelve(fields: String, text: String) {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":2,\#(fields)}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "\#(text)", "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }
}
