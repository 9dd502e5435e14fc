import Harness
import NodeRuntime
import Testing

/// The reaper, `send_fire_forget`, `pending_count` and `batch_echo`.
@Suite struct ReaperTests {
  let fireForget = #"{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":2,"target":"n2","payload":{"type":"echo","echo":"lost"}}}"#
  let count = #"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":3}}"#

  @Test func pendingCountStartsAtZeroAsInTheSeedSample() {
    let h = Harness()
    h.initialize("n1", ["n1"])
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":2}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "pending_count_ok", "count": 0, "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }

  @Test func fireAndForgetSendsFirstThenRepliesAsInTheSeedSample() {
    let h = Harness()
    h.initialize()
    h.send(fireForget)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "n2", "body": {"type": "echo", "echo": "lost", "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "send_fire_forget_ok", "pending": 1, "in_reply_to": 2, "msg_id": 2}}"#,
      ])
  }

  @Test func theReaperExpiresACallbackBetween2000And2500msAfterItsRegistration() {
    let h = Harness()
    h.initialize()
    h.advance(ms: 130)
    h.send(fireForget)
    h.advance(ms: 2000)
    h.send(count)
    #expect(h.take().last?.contains(#""count": 1,"#) == true)
    h.advance(ms: 500)
    h.send(count)
    #expect(h.take().last?.contains(#""count": 0,"#) == true)
    #expect(h.node.stats.reaped == 1)
    #expect(h.logs.contains("INFO reaper reaped count=1 pending=0 calls=1"))
  }

  @Test func anIdleNodeHasNoTimerArmed() {
    let h = Harness()
    h.initialize()
    #expect(h.runtime.nextDeadline == nil)
    h.send(fireForget)
    #expect(h.runtime.nextDeadline != nil)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"echo_ok","echo":"lost","in_reply_to":1}}"#)
    #expect(h.node.pendingCount == 0)
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func aReapedBatchEchoRepliesWithErrorZero() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"batch_echo","msg_id":2,"values":[1,2]}}"#)
    h.send(#"{"src":"n1","dest":"n1","body":{"type":"echo_ok","echo":1,"in_reply_to":1}}"#)
    h.runUntilIdle()
    let out = h.takeOutputs()
    #expect(out.count == 3)
    #expect(
      out.last?.description
        == #"@2500.0 {"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "batch_echo: 1 of 2 echoes got no echo_ok", "in_reply_to": 2, "msg_id": 3}}"#
    )
  }

  @Test func batchEchoRepliesWithTheResultsInTheOrderOfItsValues() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"batch_echo","msg_id":2,"values":[1,"a",null]}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "n1", "body": {"type": "echo", "echo": 1, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "n1", "body": {"type": "echo", "echo": "a", "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "n1", "body": {"type": "echo", "echo": null, "msg_id": 3}}"#,
      ])
    h.send(
      #"{"src":"n1","dest":"n1","body":{"type":"echo_ok","echo":null,"in_reply_to":3}}"#,
      #"{"src":"n1","dest":"n1","body":{"type":"echo_ok","echo":1,"in_reply_to":1}}"#)
    #expect(h.take().isEmpty)
    h.send(#"{"src":"n1","dest":"n1","body":{"type":"echo_ok","echo":"a","in_reply_to":2}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "batch_echo_ok", "results": [1, "a", null], "in_reply_to": 2, "msg_id": 4}}"#
      ])
  }

  @Test func anEmptyBatchEchoRepliesAtOnce() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"batch_echo","msg_id":2,"values":[]}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "batch_echo_ok", "results": [], "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }

  @Test func endOfInputWaitsForPendingCallbacksThenFinishes() {
    let h = Harness()
    h.initialize()
    h.send(fireForget)
    h.endInput()
    #expect(!h.runtime.isFinished)
    h.runUntilIdle()
    #expect(h.runtime.isFinished)
    #expect(h.node.stats.reaped == 1)
  }

  @Test func statsCountTheRPCMachinery() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#)
    h.runUntilIdle()
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":1}}"#)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"stats","msg_id":3}}"#)
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "stats_ok", "received": 4, "sent": 5, "pending": 0, "rpc_attempts": 3, "retries": 2, "timeouts": 3, "reaped": 0, "late_replies": 1, "malformed": 0, "in_reply_to": 3, "msg_id": 5}}"#
    )
  }
}
