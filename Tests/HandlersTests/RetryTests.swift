import Handlers
import Harness
import NodeRuntime
import Testing

/// `relay` and `proxy` on virtual time: attempts, timeouts, late replies, error 11.
@Suite struct RetryTests {
  let relay = #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#

  @Test func aRelayToASilentNodeSendsThreeAttemptsThenFailsAt1500ms() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.runUntilIdle()
    #expect(
      h.takeOutputs().map(\.description) == [
        #"@0.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#,
        #"@500.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 2}}"#,
        #"@1000.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 3}}"#,
        #"@1500.0 {"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "RPC failed after 3 attempts", "in_reply_to": 2, "msg_id": 4}}"#,
      ])
    #expect(h.node.pendingCount == 0)
    #expect(h.node.stats.retries == 2 && h.node.stats.timeouts == 3)
    #expect(
      h.logs.contains(
        "INFO rpc retry call=1 kind=relay dest=n2 attempt=2/3 msg_id=2 reason=timeout timeout_ms=500 requester=c1:2")
        && h.logs.contains(
          "INFO rpc retry call=1 kind=relay dest=n2 attempt=3/3 msg_id=3 reason=timeout timeout_ms=500 requester=c1:2")
    )
    #expect(
      h.logs.contains(
        "INFO rpc gave up call=1 kind=relay dest=n2 attempts=3/3 msg_ids=1,2,3 reason=timeout elapsed_ms=1500 requester=c1:2"))
  }

  @Test func aRelaySucceedsOnItsSecondAttempt() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.advance(ms: 600)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","value":42,"in_reply_to":2}}"#)
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "relay_ok", "attempts": 2, "result": {"type": "read_ok", "value": 42, "in_reply_to": 2}, "in_reply_to": 2, "msg_id": 3}}"#
    )
    #expect(h.node.pendingCount == 0)
    h.runUntilIdle()
    #expect(h.take().isEmpty)
  }

  @Test func aLateReplyToTheFirstAttemptDuringTheSecondCompletesTheCall() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.advance(ms: 700)
    #expect(h.node.pendingCount == 2)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":1}}"#)
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "relay_ok", "attempts": 2, "result": {"type": "read_ok", "in_reply_to": 1}, "in_reply_to": 2, "msg_id": 3}}"#
    )
    // Its other attempt's id was released with it: a reply to it now is late.
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":2}}"#)
    #expect(h.take().isEmpty && h.node.stats.lateReplies == 1)
  }

  @Test func anErrorElevenReplyIsRetriedAtOnce() {
    let h = Harness()
    h.initialize()
    h.send(relay)
    h.advance(ms: 100)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":1}}"#)
    #expect(
      h.takeOutputs().map(\.description) == [
        #"@0.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#,
        #"@100.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 2}}"#,
      ])
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":20,"text":"nope","in_reply_to":2}}"#)
    #expect(
      h.take()
        == [
          #"{"src": "n1", "dest": "c1", "body": {"type": "relay_ok", "attempts": 2, "result": {"type": "error", "code": 20, "text": "nope", "in_reply_to": 2}, "in_reply_to": 2, "msg_id": 3}}"#
        ])
  }

  @Test func aProxyTimesOutAfter1000ms() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"proxy","msg_id":2,"target":"n2","inner":{"type":"read","key":1}}}"#)
    h.runUntilIdle()
    #expect(
      h.takeOutputs().map(\.description) == [
        #"@0.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "key": 1, "msg_id": 1}}"#,
        #"@1000.0 {"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "RPC timed out after 1000 ms", "in_reply_to": 2, "msg_id": 2}}"#,
      ])
  }

  @Test func aProxyReturnsAnyReplyAsItsResult() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"proxy","msg_id":2,"target":"n2","inner":{"type":"read","msg_id":77}}}"#)
    #expect(h.take() == [#"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#])
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":1}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "proxy_ok", "result": {"type": "error", "code": 11, "in_reply_to": 1}, "in_reply_to": 2, "msg_id": 2}}"#
      ])
  }

  @Test func anEchoIsAnsweredAtOnceWhileARelayWaits() {
    let h = Harness()
    h.initialize()
    h.send(relay, #"{"src":"c2","dest":"n1","body":{"type":"echo","msg_id":3,"echo":"now"}}"#)
    #expect(
      h.takeOutputs().map(\.description) == [
        #"@0.0 {"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#,
        #"@0.0 {"src": "n1", "dest": "c2", "body": {"type": "echo_ok", "echo": "now", "in_reply_to": 3, "msg_id": 2}}"#,
      ])
  }

  @Test func theRetryFlagsChangeTheTimings() {
    var s = TrackSettings()
    s.rpcTimeout = .milliseconds(200)
    s.retryAttempts = 2
    let h = Harness(settings: s)
    h.initialize()
    h.send(relay)
    h.runUntilIdle()
    #expect(
      h.takeOutputs().map(\.ms) == [0, 200, 400]
        && h.take().isEmpty)
    #expect(h.outputs.last?.line.contains("RPC failed after 2 attempts") == true)
  }

  @Test func aCallBeyondMaxPendingGetsErrorEleven() {
    var c = Harness.defaultConfig
    c.maxPending = 4
    let h = Harness(config: c)
    h.initialize()
    h.send(relay)  // reserves 3 of the 4 slots
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":3,"target":"n2","payload":{"type":"read"}}}"#)
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 11, "text": "too many pending calls (limit 4)", "in_reply_to": 3, "msg_id": 2}}"#
    )
  }
}
