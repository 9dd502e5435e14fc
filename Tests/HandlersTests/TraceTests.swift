import Harness
import NodeRuntime
import Policy
import Testing

/// Calls traced from their first log line to their last (SPEC section 7): call ids, kinds,
/// requesters, the reason of each retry, the waits taken, the give-up, the reaper's ids.
@Suite struct TraceTests {
  let relay = #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#

  /// The log lines about calls (`rpc ...` and `reaper ...`).
  func callLines(_ h: Harness) -> [String] {
    h.logs.filter { $0.contains(" rpc ") || $0.contains(" reaper ") }
  }

  @Test func aRelayIsFollowedFromStartThroughEachRetryAndItsReasonToDone() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.advance(ms: 600)  // attempt 1 timed out at 500; attempt 2 went out
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":2}}"#)
    h.advance(ms: 100)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":3}}"#)
    #expect(
      callLines(h) == [
        "DEBUG rpc start call=1 kind=relay dest=n2 msg_id=1 attempts=3 timeout_ms=500 type=read requester=c1:2",
        "INFO rpc retry call=1 kind=relay dest=n2 attempt=2/3 msg_id=2 reason=timeout timeout_ms=500 requester=c1:2",
        "INFO rpc retry call=1 kind=relay dest=n2 attempt=3/3 msg_id=3 reason=unavailable timeout_ms=500 requester=c1:2",
        "DEBUG rpc done call=1 kind=relay dest=n2 attempts=3 elapsed_ms=700 reply=read_ok requester=c1:2",
      ])
  }

  @Test func aBackoffRetrySaysHowLongItWaitedAndTheGiveUpListsEveryID() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"backoff_relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#)
    h.runUntilIdle()
    var rng = SplitMix64(seed: 7)
    let policy = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
    let waits = (0..<4).map { policy.delay(attempt: $0, using: &rng) }
    var expected = [
      "DEBUG rpc start call=1 kind=backoff_relay dest=n2 msg_id=1 attempts=5 timeout_ms=500 type=read requester=c1:2"
    ]
    for (k, w) in waits.enumerated() {
      expected.append(
        "INFO rpc retry call=1 kind=backoff_relay dest=n2 attempt=\(k + 2)/5 msg_id=\(k + 2) reason=timeout waited_ms=\(w.roundedMilliseconds) timeout_ms=500 requester=c1:2"
      )
    }
    let elapsed = (Interval.milliseconds(2500) + waits.reduce(.zero, +)).roundedMilliseconds
    expected.append(
      "INFO rpc gave up call=1 kind=backoff_relay dest=n2 attempts=5/5 msg_ids=1,2,3,4,5 reason=timeout elapsed_ms=\(elapsed) requester=c1:2"
    )
    #expect(callLines(h) == expected)
  }

  @Test func aGiveUpAfterRefusalsSaysUnavailable() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.advance(ms: 10)
    for id in 1...3 {
      h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":\#(id)}}"#)
    }
    #expect(
      callLines(h).last
        == "INFO rpc gave up call=1 kind=relay dest=n2 attempts=3/3 msg_ids=1,2,3 reason=unavailable elapsed_ms=10 requester=c1:2"
    )
    #expect(h.take().last?.contains(#""text": "RPC failed after 3 attempts""#) == true)
  }

  @Test func callIDsCountFromOneAcrossKindsAndTheReaperNamesTheFirstTenItReaped() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"batch_echo","msg_id":3,"values":[1]}}"#)
    for i in 0..<11 {
      h.send(#"{"src":"c2","dest":"n1","body":{"type":"send_fire_forget","msg_id":\#(i),"target":"n2","payload":{"type":"echo"}}}"#)
    }
    h.runUntilIdle()
    let starts = callLines(h).filter { $0.hasPrefix("DEBUG rpc start ") }
    #expect(starts.count == 13)
    #expect(starts[1] == "DEBUG rpc start call=2 kind=batch_echo dest=n1 msg_id=2 attempts=1 timeout_ms=- type=echo requester=c1:3")
    #expect(starts[12] == "DEBUG rpc start call=13 kind=send_fire_forget dest=n2 msg_id=23 attempts=1 timeout_ms=- type=echo requester=c2:10")
    #expect(h.logs.contains("INFO reaper reaped count=12 pending=0 calls=2,3,4,5,6,7,8,9,10,11,..."))
    #expect(h.node.stats.reaped == 12)
  }

  @Test func aLateReplySaysFromWhomToWhatAndItsType() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":1}}"#)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":1}}"#)
    #expect(h.logs.last == "DEBUG late reply from=n2 in_reply_to=1 type=read_ok")
  }
}
