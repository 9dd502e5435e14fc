import Glibc
import Testing

/// Every kind of bad input of SPEC section 2, and every wrong field of every request of section
/// 5, through the real binary on a pipe: each gets exactly the expected error reply (or none),
/// and a valid `echo` sent right after it is still answered.
@Suite struct HostileInputTests {
  /// One piece of hostile input and the `text` of each error 12 it must get, with the
  /// `in_reply_to` each carries (JSON text).
  struct Case {
    var input: [UInt8]
    var errors: [(inReplyTo: String, text: String)]

    init(_ input: [UInt8], _ errors: [(String, String)] = []) {
      self.input = input
      self.errors = errors.map { (inReplyTo: $0.0, text: $0.1) }
    }

    init(_ text: String, _ errors: [(String, String)] = []) {
      self.init(Array(text.utf8), errors)
    }
  }

  static let initLine =
    #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#

  /// A request from c1 to n1: `type`, `msg_id` and then `fields` (JSON text, may be empty).
  static func request(_ type: String, _ msgID: Int, _ fields: String = "") -> String {
    #"{"src":"c1","dest":"n1","body":{"type":"\#(type)","msg_id":\#(msgID)"#
      + (fields.isEmpty ? "" : "," + fields) + "}}"
  }

  /// An echo request whose `echo` is the JSON text `value`.
  static func echo(_ msgID: Int, _ value: String) -> String {
    request("echo", msgID, #""echo":"# + value)
  }

  /// Runs `cases` through one node: init, then each case followed by a valid echo; the node's
  /// stdout must be exactly init_ok, then for each case its error replies and the echo's reply.
  func expectHandled(
    _ cases: [Case], args: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let child = Child(["--seed", "1", "--log-level", "error"] + args)
    var expected = [
      #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#
    ]
    var input = Array((HostileInputTests.initLine + "\n").utf8)
    var msgID = 1
    for (i, c) in cases.enumerated() {
      let echoID = 1_000_000 + i
      input += c.input + Array(("\n" + HostileInputTests.echo(echoID, "\(i)") + "\n").utf8)
      for e in c.errors {
        let text = e.text.replacingAll("\"", with: "\\\"")
        expected.append(
          #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "\#(text)", "in_reply_to": \#(e.inReplyTo), "msg_id": \#(msgID)}}"#
        )
        msgID += 1
      }
      expected.append(
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": \#(i), "in_reply_to": \#(echoID), "msg_id": \#(msgID)}}"#
      )
      msgID += 1
    }
    child.write(bytes: input)
    child.closeInput()
    #expect(child.finish(within: 30) == 0, sourceLocation: sourceLocation)
    let got = child.outLines
    #expect(got.count == expected.count, sourceLocation: sourceLocation)
    for (n, (g, e)) in zip(got, expected).enumerated() where g != e {
      Issue.record("line \(n):\n got \(g)\nwant \(e)", sourceLocation: sourceLocation)
      break
    }
  }

  @Test func syntaxErrorsTruncatedLinesAndBlankLinesLoseNothingAfterThem() {
    expectHandled([
      Case(#"{"src": nope}"#),
      // The rest of a line with a syntax error goes with it, a valid message included.
      Case(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":1} x "# + Self.echo(3, "3")),
      Case(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":4,"echo":[1,2"#),
      Case(#"{"src":"c1","dest":"n1","body":{"ty"#),
      Case(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":5,"echo":tru"#),
      Case(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":6,"#),
      Case("}"),
      Case("]]]"),
      Case("\n\n   \n\t\r\n\n"),
      Case([0x00, 0x01, 0x7F]),
    ])
  }

  @Test func aValueOverTheSizeLimitIsSkippedAndOneAtTheLimitIsAnswered() {
    func xs(_ id: Int, _ size: Int) -> String {
      String(repeating: "x", count: size - Self.echo(id, #""""#).utf8.count)
    }
    func sized(_ id: Int, _ size: Int) -> String { Self.echo(id, #"""# + xs(id, size) + #"""#) }
    let atLimit = sized(2, 1000)
    #expect(atLimit.utf8.count == 1000)
    let reply =
      #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": ""#
      + xs(2, 1000) + #"", "in_reply_to": 2, "msg_id": 1}}"#
    let child = Child(["--seed", "1", "--max-message-bytes", "1000"])
    child.write(
      [Self.initLine, atLimit, sized(3, 1001), sized(4, 100_000), Self.echo(5, "5")]
        .joined(separator: "\n") + "\n")
    child.closeInput()
    #expect(child.finish(within: 30) == 0)
    #expect(child.outLines.count == 3)
    #expect(child.outLines.dropFirst().first == reply)
    #expect(
      child.outLines.last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 5, "in_reply_to": 5, "msg_id": 2}}"#
    )
    #expect(child.errLines.filter { $0.contains("value larger than 1000 bytes") }.count == 2)
  }

  @Test func nestingDeeperThan512IsSkipped() {
    // The envelope and its body are two levels: 510 arrays make 512, 511 make 513.
    let deep512 = Self.echo(2, String(repeating: "[", count: 510) + String(repeating: "]", count: 510))
    let deep513 = Self.echo(3, String(repeating: "[", count: 511) + String(repeating: "]", count: 511))
    let child = Child(["--seed", "1"])
    child.write([Self.initLine, deep512, deep513, Self.echo(4, "4")].joined(separator: "\n") + "\n")
    child.closeInput()
    #expect(child.finish(within: 30) == 0)
    let lines = child.outLines
    #expect(lines.count == 3)
    #expect(lines.count == 3 && lines[1].contains(#""in_reply_to": 2,"#))
    #expect(lines.last?.contains(#""echo": 4, "in_reply_to": 4,"#) == true)
    #expect(child.errLines.contains { $0.contains("nesting deeper than 512") })
  }

  @Test func invalidUTF8NonFiniteNumbersAndLoneSurrogatesAreMalformed() {
    func raw(_ bytes: [UInt8]) -> Case {
      Case(
        Array(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":""#.utf8) + bytes
          + Array(#""}}"#.utf8))
    }
    expectHandled([
      raw([0xFF]), raw([0xFE, 0x41]),
      // Overlong encodings of "/" and of U+0000.
      raw([0xC0, 0xAF]), raw([0xE0, 0x80, 0xAF]), raw([0xC0, 0x80]),
      // UTF-8-encoded surrogates (CESU), and a code point past U+10FFFF.
      raw([0xED, 0xA0, 0x80]), raw([0xED, 0xB0, 0x80]), raw([0xF4, 0x90, 0x80, 0x80]),
      // A sequence cut short by the closing quote, a stray continuation byte.
      raw([0xE2, 0x82]), raw([0x80]),
      // Outside a string.
      Case(Array(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":1}"#.utf8) + [0xFF, 0x7D]),
      Case(Self.echo(2, "NaN")), Case(Self.echo(2, "Infinity")), Case(Self.echo(2, "-Infinity")),
      Case(Self.echo(2, "[1e400]")), Case(Self.echo(2, "-1e400")), Case(Self.echo(2, "nan")),
      Case(Self.echo(2, #""\ud800""#)), Case(Self.echo(2, #""\udc00""#)),
      Case(Self.echo(2, #""a\ud800\u0041""#)), Case(Self.echo(2, #""\ude00\ud83d""#)),
      Case(Self.echo(2, #""\uZZZZ""#)), Case(Self.echo(2, #""\x41""#)),
    ])
  }

  @Test func valuesThatAreNotEnvelopesGetErrorTwelveWhenTheyCanBeAnswered() {
    expectHandled([
      Case("[1, 2]"), Case(#""str""#), Case("42"), Case("null"), Case("true"), Case("{}"),
      // No usable src: nobody to answer.
      Case(#"{"dest":"n1","body":{"type":"echo","msg_id":2,"echo":1}}"#),
      Case(#"{"src":7,"dest":"n1","body":{"type":"echo","msg_id":2,"echo":1}}"#),
      Case(#"{"src":null,"dest":"n1","body":{"type":"echo","msg_id":2,"echo":1}}"#),
      // dest not a string, or missing.
      Case(
        #"{"src":"c1","dest":5,"body":{"type":"echo","msg_id":3,"echo":1}}"#,
        [("3", #"invalid envelope: field "dest" must be a string"#)]),
      Case(#"{"src":"c1","dest":5,"body":{"type":"echo","echo":1}}"#),
      Case(
        #"{"src":"c1","body":{"type":"echo","msg_id":4,"echo":1}}"#,
        [("4", #"invalid envelope: missing field "dest""#)]),
      // body not an object, or missing: no msg_id to answer.
      Case(#"{"src":"c1","dest":"n1","body":[{"msg_id":5}]}"#),
      Case(#"{"src":"c1","dest":"n1","body":"x"}"#),
      Case(#"{"src":"c1","dest":"n1"}"#),
      // type missing or not a string.
      Case(
        #"{"src":"c1","dest":"n1","body":{"msg_id":6}}"#,
        [("6", #"invalid envelope: missing field "body.type""#)]),
      Case(#"{"src":"c1","dest":"n1","body":{"echo":1}}"#),
      Case(
        #"{"src":"c1","dest":"n1","body":{"type":7,"msg_id":7}}"#,
        [("7", #"invalid envelope: field "body.type" must be a string"#)]),
      Case(
        #"{"src":"c1","dest":"n1","body":{"type":null,"msg_id":"m8"}}"#,
        [(#""m8""#, #"invalid envelope: field "body.type" must be a string"#)]),
      Case(#"{"src":"c1","dest":"n1","body":{"type":["echo"],"msg_id":null}}"#),
    ])
  }
}

extension String {
  /// This string with every `target` replaced by `replacement`.
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
