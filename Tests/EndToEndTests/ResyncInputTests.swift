import Glibc
import Testing

/// Cut lines, pretty-printed input and deep unclosed values through the real binary (SPEC
/// section 2, issue 11 points 4 and 5; issue 10 point 2): no valid message after them is lost,
/// and each problem is logged with its line and column.
@Suite struct ResyncInputTests {
  static let initLine =
    #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  static let initOK =
    #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#
  /// A typical request: nested objects, arrays, escapes, numbers of each kind.
  static let message =
    #"{"src": "c1", "dest": "n1", "body": {"type": "relay", "target": "n2", "payload": {"type": "write", "key": [1, {"k": "v\u00e9 \"q\""}], "value": -2.5e-3, "ok": true, "none": null}, "msg_id": 7}}"#

  static func echo(_ id: Int, _ value: String = "1") -> String {
    #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": \#(value), "msg_id": \#(id)}}"#
  }

  /// The echo replies the node wrote, by `in_reply_to`, after the init reply.
  func echoReplies(_ lines: [String]) -> [String] {
    lines.filter { $0.contains(#""type": "echo_ok""#) }
  }

  /// Runs `input` through a node after init; returns its stdout and stderr lines.
  func run(_ input: String, args: [String] = []) -> (out: [String], err: [String]) {
    let child = Child(["--seed", "1"] + args)
    child.write(Self.initLine + "\n" + input)
    child.closeInput()
    #expect(child.finish(within: 60) == 0)
    #expect(child.outLines.first == Self.initOK)
    return (Array(child.outLines.dropFirst()), child.errLines)
  }

  @Test func everyCutPointOfATypicalMessageKeepsTheEchoAfterIt() {
    let bytes = Array(Self.message.utf8)
    var input = ""
    for k in 1..<bytes.count {
      input += String(decoding: bytes[..<k], as: UTF8.self) + "\n" + Self.echo(1000 + k) + "\n"
    }
    let (out, _) = run(input)
    let answered = echoReplies(out)
    #expect(answered.count == bytes.count - 1, "\(out.count) lines")
    for k in 1..<bytes.count where !answered.contains(where: { $0.contains("\"in_reply_to\": \(1000 + k),") }) {
      Issue.record("the echo after the first \(k) bytes was lost")
    }
    // A cut message is never answered, nor anything sent for it.
    #expect(!out.contains { $0.contains(#""dest": "n2""#) })
  }

  /// `value` as `json.dumps(obj, indent=2)` prints an echo request carrying it.
  static func pretty(_ id: Int) -> String {
    """
    {
      "src": "c1",
      "dest": "n1",
      "body": {
        "type": "echo",
        "echo": [
          {
            "a": [
              {
                "b": \(id)
              },
              {}
            ]
          },
          [
            {
              "c": null
            }
          ]
        ],
        "msg_id": \(id)
      }
    }
    """
  }

  @Test func prettyPrintedMessagesAndCutLinesInterleavedAreAllRead() {
    let cuts = [#"{"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": ["#, #"{"a": {"#, "[[", #"{"k":"#]
    var input = ""
    for (n, cut) in cuts.enumerated() {
      // A cut line must be followed by a one-line message: a pretty-printed one right after it
      // reads as part of the unfinished value (README, "Malformed input").
      input += Self.pretty(10 + n) + "\n" + cut + "\n" + Self.echo(20 + n) + "\n"
      input += Self.pretty(30 + n) + "\n"
    }
    let (out, err) = run(input)
    let answered = echoReplies(out)
    #expect(answered.count == 3 * cuts.count, "\(out)")
    for n in cuts.indices {
      #expect(
        answered.contains(
          #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": [{"a": [{"b": \#(10 + n)}, {}]}, [{"c": null}]], "in_reply_to": \#(10 + n), "msg_id": \#(3 * n + 1)}}"#
        ), "\(answered)")
      for id in [20 + n, 30 + n] {
        #expect(answered.contains { $0.contains(#""in_reply_to": \#(id),"#) }, "\(id) lost")
      }
    }
    #expect(err.filter { $0.contains("malformed input: ") }.count == cuts.count)
  }

  @Test func deepUnclosedValuesOfSeveralShapesKeepTheEchoAfterThem() {
    let shapes = [
      String(repeating: "[", count: 600), String(repeating: #"{"a": "#, count: 600),
      String(repeating: #"[{"k": "#, count: 300), String(repeating: "[ ", count: 600),
      #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": "# + String(repeating: "[", count: 600),
      String(repeating: "[", count: 300) + "\n" + String(repeating: "[", count: 300),
    ]
    var input = ""
    for (n, shape) in shapes.enumerated() { input += shape + "\n" + Self.echo(100 + n) + "\n" }
    let (out, err) = run(input)
    #expect(echoReplies(out).count == shapes.count, "\(out)")
    #expect(err.filter { $0.contains("nesting deeper than 512") }.count == shapes.count)
  }

  @Test func malformedInputIsLocatedByLineAndColumnWithTheLineAsExcerpt() {
    // Line 1 is init; the bad byte is on line 3, column 23 (byte offset counts from stdin's start).
    let line3 = #"{"src": "c1", "dest": x}"#
    let input = Self.echo(2) + "\n" + line3 + "\n" + Self.echo(3) + "\n"
    let (out, err) = run(input)
    #expect(echoReplies(out).count == 2)
    let offset = Self.initLine.utf8.count + 1 + Self.echo(2).utf8.count + 1 + 22
    let want =
      #"WARN malformed input: expected value at line 3 column 23 (byte \#(offset)) near "{\"src\": \"c1\", \"dest\": x}""#
    #expect(err.contains { $0.hasSuffix(want) }, "\(err)")
  }
}
