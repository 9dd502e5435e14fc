import Glibc
import Testing

/// What Maelstrom's own node libraries found (issue 11 points 1 to 3), through the real binary:
/// unknown targets, replies whatever their `in_reply_to`, and no message from `"src": ""`.
@Suite struct ConformanceTests {
  static let initLine =
    #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  static let initOK =
    #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#

  /// Runs `lines` through a node; returns its stdout and stderr lines.
  func run(_ lines: [String], args: [String] = []) -> (out: [String], err: [String]) {
    let child = Child(["--seed", "1", "--log-level", "debug"] + args)
    child.write(lines.joined(separator: "\n") + "\n")
    child.closeInput()
    #expect(child.finish(within: 30) == 0)
    return (child.outLines, child.errLines)
  }

  @Test func aTargetOutsideNodeIDsAndTheServicesIsErrorOneAndNothingIsSent() {
    let (out, _) = run(
      [
        Self.initLine,
        #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n99","payload":{"type":"echo"}}}"#,
        #"{"src":"c1","dest":"n1","body":{"type":"proxy","msg_id":3,"target":"c1","inner":{"type":"echo"}}}"#,
        #"{"src":"c1","dest":"n1","body":{"type":"backoff_relay","msg_id":4,"target":"","payload":{"type":"echo"}}}"#,
        #"{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":5,"target":"lin-kv2","payload":{"type":"read"}}}"#,
        // Maelstrom's services are known destinations.
        #"{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":6,"target":"lin-tso","payload":{"type":"ts"}}}"#,
      ], args: ["--reap-threshold-ms", "100", "--reap-interval-ms", "50"])
    func error(_ text: String, _ inReplyTo: Int, _ msgID: Int) -> String {
      #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 1, "text": "\#(text)", "in_reply_to": \#(inReplyTo), "msg_id": \#(msgID)}}"#
    }
    #expect(
      out == [
        Self.initOK,
        error(#"relay: unknown node \"n99\""#, 2, 1),
        error(#"proxy: unknown node \"c1\""#, 3, 2),
        error(#"backoff_relay: unknown node \"\""#, 4, 3),
        error(#"send_fire_forget: unknown node \"lin-kv2\""#, 5, 4),
        #"{"src": "n1", "dest": "lin-tso", "body": {"type": "ts", "msg_id": 5}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "send_fire_forget_ok", "pending": 1, "in_reply_to": 6, "msg_id": 6}}"#,
      ])
  }

  @Test func aBodyWithInReplyToOfAnyValueIsAReplyAndIsNeverAnswered() {
    let values = ["null", #""7""#, "1.5", "[1]", "{}", "true", "99", "-1"]
    var lines = [Self.initLine]
    for (n, v) in values.enumerated() {
      lines.append(
        #"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":\#(v),"msg_id":\#(10 + n)}}"#
      )
      lines.append(#"{"src":"n2","dest":"n1","body":{"type":"echo","in_reply_to":\#(v),"msg_id":\#(20 + n)}}"#)
    }
    lines.append(#"{"src":"c1","dest":"n1","body":{"type":"echo","echo":1,"msg_id":2}}"#)
    let (out, err) = run(lines)
    #expect(
      out == [
        Self.initOK,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 1, "in_reply_to": 2, "msg_id": 1}}"#,
      ])
    #expect(err.filter { $0.contains("DEBUG late or unknown reply from n2") }.count == 2 * values.count)
    #expect(err.contains { $0.contains("late_replies=\(2 * values.count) ") })
  }

  @Test func beforeInitNothingIsWrittenFromAnEmptySrc() {
    let (out, err) = run([
      // No dest, a dest that is not a string, an empty dest: nobody to answer as.
      #"{"src":"c1","body":{"type":"echo","msg_id":2,"echo":1}}"#,
      #"{"src":"c1","dest":5,"body":{"type":"echo","msg_id":3,"echo":1}}"#,
      #"{"src":"c1","dest":null,"body":{"type":7,"msg_id":4}}"#,
      #"{"src":"c1","dest":"","body":{"type":"echo","msg_id":5,"echo":1}}"#,
      #"{"src":"c0","dest":"","body":{"type":"init","msg_id":6,"node_id":"n1","node_ids":["n1"]}}"#,
      // An empty node id would make every later message come from "".
      #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":7,"node_id":"","node_ids":["n1"]}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":8,"echo":1}}"#,
      Self.initLine,
    ])
    #expect(
      out == [
        #"{"src": "n1", "dest": "c0", "body": {"type": "error", "code": 12, "text": "init: field \"node_id\" must not be empty", "in_reply_to": 7, "msg_id": 0}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 11, "text": "node not initialized", "in_reply_to": 8, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 2}}"#,
      ])
    #expect(!out.contains { $0.contains(#""src": """#) })
    #expect(err.filter { $0.contains("WARN no reply to c1: no node id yet and no usable dest") }.count == 3)
    #expect(err.filter { $0.contains("empty dest before init") }.count == 2)
  }
}
