import Handlers
import Harness
import NodeRuntime
import Testing

/// A relay keeps its payload as Python's text with a hole for `msg_id`: every attempt must print
/// as `json.dumps` prints the payload with `msg_id` set (in place, or appended), whatever the
/// payload holds.
@Suite struct KeptPayloadTests {
  /// The body of attempts 1 and 2 of a relay of `payload` (the ids are 1 and 2).
  func attempts(of payload: String) -> [String] {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":"#
        + payload + "}}")
    var lines = h.take()
    h.advance(ms: 500)
    lines += h.take()
    let head = #"{"src": "n1", "dest": "n2", "body": "#
    return lines.filter { $0.hasPrefix(head) }.map { String($0.dropFirst(head.count).dropLast()) }
  }

  @Test(arguments: [
    (#"{"msg_id":99,"type":"read","key":1}"#, #"{"msg_id": #, "type": "read", "key": 1}"#),
    (#"{}"#, #"{"msg_id": #}"#),
    (#" { } "#, #"{"msg_id": #}"#),
    (#"{"a":{"msg_id":5},"type":"x"}"#, #"{"a": {"msg_id": 5}, "type": "x", "msg_id": #}"#),
    (
      #"{"type":"a","msg_id":7,"type":"b","k":"\u00e9"}"#,
      #"{"type": "b", "msg_id": #, "k": "\u00e9"}"#
    ),
    (#"{"msg\u005fid":3,"x":[1,2.50,"\/",1E5]}"#, #"{"msg_id": #, "x": [1, 2.5, "/", 100000.0]}"#),
    (#"{"type":1}"#, #"{"type": 1, "msg_id": #}"#),
    (#"{"type":"t","msg_id":{"a":[1,{"b":null}]}}"#, #"{"type": "t", "msg_id": #}"#),
    (#"{"msg_id":null}"#, #"{"msg_id": #}"#),
    (#"{"t\u00e9":"\ud83d\ude00","msg_id":1,"z":true}"#, #"{"t\u00e9": "\ud83d\ude00", "msg_id": #, "z": true}"#),
  ])
  func everyAttemptPrintsThePayloadWithItsNewMsgID(payload: String, expected: String) {
    #expect(
      attempts(of: payload) == [
        expected.split(separator: "#", omittingEmptySubsequences: false).joined(separator: "1"),
        expected.split(separator: "#", omittingEmptySubsequences: false).joined(separator: "2"),
      ])
  }
}
