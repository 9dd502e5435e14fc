import Harness
import NodeRuntime
import Testing

@testable import Handlers

/// `validate`, `get_log`, `stats`-like observers, `dedup_*` and `bench_*`.
@Suite struct ObservingTests {
  func validate(_ payload: String) -> String? {
    let h = Harness()
    h.initialize()
    let quoted = payload.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] }.map(String.init).joined()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"validate","msg_id":2,"payload":"\#(quoted)"}}"#)
    return h.take().first
  }

  @Test func validateListsTopLevelKeysAndOneLevelOfSubkeys() {
    #expect(
      validate(#"{"src":"a","dest":"b","body":{"type":"x","msg_id":1}}"#)
        == #"{"src": "n1", "dest": "c1", "body": {"type": "validate_ok", "valid": true, "fields": ["src", "dest", "body.type", "body.msg_id"], "in_reply_to": 2, "msg_id": 1}}"#
    )
  }

  @Test func validateReportsAnObjectThatIsNotAnEnvelopeAsInvalidWithItsFields() {
    #expect(
      validate(#"{"src":"a","body":{"type":1},"x":[1]}"#)?.contains(
        #""valid": false, "fields": ["src", "body.type", "x"]"#) == true)
  }

  @Test func validateReportsTextThatIsNotJSONAsInvalidWithNoFields() {
    #expect(validate(#"{"src": "#)?.contains(#""valid": false, "fields": []"#) == true)
    #expect(validate("[1, 2]")?.contains(#""valid": false, "fields": []"#) == true)
  }

  @Test func getLogReturnsTheLastEntriesIncludingItsOwnRequest() {
    let h = Harness()
    h.initialize()
    h.advance(ms: 1000)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"get_log","msg_id":2,"count":3}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "get_log_ok", "entries": [{"ts": "2026-11-23T10:15:02.481Z", "dir": "RECV", "src": "c0", "dest": "n1", "msg_type": "init"}, {"ts": "2026-11-23T10:15:02.481Z", "dir": "SENT", "src": "n1", "dest": "c0", "msg_type": "init_ok"}, {"ts": "2026-11-23T10:15:03.481Z", "dir": "RECV", "src": "c1", "dest": "n1", "msg_type": "get_log"}], "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }

  @Test func theEnvelopeLogKeepsTheLatestHundredInOrder() {
    let h = Harness()
    h.initialize()
    for i in 0..<120 { h.send(#"{"src":"c\#(i)","dest":"n1","body":{"type":"echo","msg_id":\#(i),"echo":1}}"#) }
    _ = h.take()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"get_log","msg_id":999}}"#)
    let line = h.take()[0]
    #expect(line.ranges(of: #"{"ts": "#).count == 100)
    // The oldest kept is the reply to c70: 242 entries, the first 142 dropped.
    #expect(line.contains(#"[{"ts": "2026-11-23T10:15:02.481Z", "dir": "SENT", "src": "n1", "dest": "c70", "msg_type": "echo_ok"}"#))
  }

  @Test func getLogRejectsANegativeCount() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"get_log","msg_id":2,"count":-1}}"#)
    #expect(h.take().first?.contains(#""code": 12, "text": "get_log: field \"count\" must be an integer in 0...9223372036854775807""#) == true)
  }

  @Test func dedupEchoFlagsARepeatedSrcAndMsgID() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_echo","msg_id":5,"echo":"a"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_echo","msg_id":5,"echo":"a"}}"#,
      #"{"src":"c2","dest":"n1","body":{"type":"dedup_echo","msg_id":5,"echo":"a"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_stats","msg_id":6}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "dedup_echo_ok", "echo": "a", "was_duplicate": false, "in_reply_to": 5, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "dedup_echo_ok", "echo": "a", "was_duplicate": true, "in_reply_to": 5, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c2", "body": {"type": "dedup_echo_ok", "echo": "a", "was_duplicate": false, "in_reply_to": 5, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "dedup_stats_ok", "total": 3, "duplicates": 1, "cache_size": 2, "in_reply_to": 6, "msg_id": 4}}"#,
      ])
  }

  @Test func dedupForgetsTheOldestPairAtTheThousandAndFirst() {
    let h = Harness()
    h.initialize()
    for i in 0...1000 { h.send(#"{"src":"c1","dest":"n1","body":{"type":"dedup_echo","msg_id":\#(i),"echo":0}}"#) }
    _ = h.take()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_echo","msg_id":1000,"echo":0}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_echo","msg_id":0,"echo":0}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"dedup_stats","msg_id":2000}}"#)
    let out = h.take()
    #expect(out[0].contains(#""was_duplicate": true"#))
    #expect(out[1].contains(#""was_duplicate": false"#))
    #expect(out[2].contains(#""total": 1003, "duplicates": 1, "cache_size": 1000,"#))
  }

  @Test func benchEchoMeasuresLatencyAndBenchStatsSumsItUp() {
    let h = Harness()
    h.initialize()
    h.advance(ms: 2000)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"bench_echo","msg_id":2,"echo":"x"}}"#)
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"bench_stats","msg_id":3}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "bench_echo_ok", "echo": "x", "latency_us": 0, "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "bench_stats_ok", "total_messages": 3, "elapsed_ms": 2000, "throughput_per_sec": 1.5, "avg_latency_us": 0.0, "p99_latency_us": 0, "in_reply_to": 3, "msg_id": 2}}"#,
      ])
  }
}
