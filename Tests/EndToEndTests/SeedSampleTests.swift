import Testing

/// The sample cases of the seed documents (shared/seeds), run through the binary.
@Suite struct SeedSampleTests {
  let init2 = #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  let init1 = #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#
  let initOK = #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#

  /// Runs the binary on `input` from a pipe closed at once, and returns its stdout lines.
  func run(_ input: [String], _ args: [String] = ["--seed", "1"]) -> (lines: [String], status: Int32?) {
    let child = Child(args)
    child.write(input.map { $0 + "\n" }.joined())
    child.closeInput()
    let status = child.finish(within: 20)
    return (child.outLines, status)
  }

  @Test func initAndEchoStillWorkWithRetry() {
    let r = run([init2, #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"retry-test"}}"#])
    #expect(r.status == 0)
    #expect(
      r.lines == [
        initOK,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "retry-test", "in_reply_to": 2, "msg_id": 1}}"#,
      ])
  }

  @Test func relayEmitsTheOutgoingRPCThenRetriesAndFailsBeforeExiting() {
    let r = run([init2, #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"#])
    #expect(r.status == 0)
    #expect(
      r.lines == [
        initOK,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "RPC failed after 3 attempts", "in_reply_to": 2, "msg_id": 4}}"#,
      ])
  }

  @Test func backoffSampleInitAndEchoStillWork() {
    let r = run([init1, #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"backoff"}}"#])
    #expect(
      r.lines == [
        initOK,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "backoff", "in_reply_to": 2, "msg_id": 1}}"#,
      ])
  }

  @Test func computeBackoffReturnsAScheduleAfterInitOK() {
    let r = run([init1, #"{"src":"c1","dest":"n1","body":{"type":"compute_backoff","msg_id":2,"max_retries":3,"base_delay":0.1}}"#])
    #expect(r.lines.first == initOK)
    #expect(r.lines.count == 2 && r.lines[1].contains(#""type": "compute_backoff_ok", "schedule_ms": ["#))
  }

  @Test func pendingCountStartsAtZero() {
    let r = run([init1, #"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":2}}"#])
    #expect(
      r.lines == [
        initOK,
        #"{"src": "n1", "dest": "c1", "body": {"type": "pending_count_ok", "count": 0, "in_reply_to": 2, "msg_id": 1}}"#,
      ])
  }

  @Test func fireAndForgetIncreasesThePendingCount() {
    let r = run(
      [init2, #"{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":2,"target":"n2","payload":{"type":"echo","echo":"lost"}}}"#],
      ["--seed", "1", "--reap-threshold-ms", "100", "--reap-interval-ms", "50"])
    #expect(r.status == 0)
    #expect(
      r.lines == [
        initOK,
        #"{"src": "n1", "dest": "n2", "body": {"type": "echo", "echo": "lost", "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "send_fire_forget_ok", "pending": 1, "in_reply_to": 2, "msg_id": 2}}"#,
      ])
  }
}
