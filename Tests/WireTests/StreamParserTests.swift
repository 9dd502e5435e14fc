import Testing

@testable import Wire

struct StreamParserTests {
  static let stream = """
    {"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": "h\\u00e9\\ud83d\\ude00", "msg_id": 1}}
    {"a": [1, -2.5e-3, true, false, null, 12345678901234567890123], "b": {}}  7 "x"
    \t{
      "pretty": [
        1,
        {"nested": "é😀"}
      ]
    }
    [] -0 1e2

    """

  @Test func aStreamOfValuesParsesInOrder() {
    let got = events(Self.stream)
    #expect(problems(got).isEmpty)
    #expect(values(got).count == 8)
    #expect(values(got)[3] == .string("x"))
    #expect(values(got).last == .double(100))
  }

  @Test func everyChunkBoundaryGivesTheSameEvents() {
    let whole = events(Self.stream)
    let n = Self.stream.utf8.count
    for cut in 0...n {
      #expect(events(Self.stream, cuts: [cut]) == whole, "cut at \(cut)")
    }
    #expect(events(Self.stream, cuts: Array(0...n)) == whole)
  }

  @Test func everyChunkBoundaryGivesTheSameEventsForMalformedInput() {
    let text = """
      {"a": 1, "b": [1, 2
      {"ok": 1}
      {"s": "trunc
      {"ok": 2} junk
      {"ok": 3}
      {"bad": "\u{1}"} {"u": "\\ud800"}
      {"ok": 4}
      {"n": 1e400}
      {"ok": 5}
      42
      """
    let whole = summary(events(text))
    #expect(values(events(text)).count == 6)
    for cut in 0...text.utf8.count {
      #expect(summary(events(text, cuts: [cut])) == whole, "cut at \(cut)")
    }
    #expect(summary(events(text, cuts: Array(0...text.utf8.count))) == whole)
  }

  @Test func aTruncatedLineDoesNotSwallowTheNextMessage() {
    let got = events("{\"a\": 1, \"b\": [1, 2\n{\"ok\": 1}\n")
    #expect(problems(got).map(\.reason) == ["expected ',' or ']' in array"])
    #expect(problems(got).first?.offset == 20)
    #expect(values(got) == [.object(JSONObject([.init("ok", .int(1))]))])
  }

  @Test func aNewlineInsideAStringIsAnErrorAtThatNewline() {
    let got = events("{\"s\": \"trunc\n{\"ok\": 1}\n")
    #expect(problems(got).map(\.offset) == [12])
    #expect(problems(got).map(\.reason) == ["unescaped control character in string"])
    #expect(values(got).count == 1)
  }

  @Test func anErrorMidLineSkipsToTheNextLine() {
    let got = events("{\"ok\": 1} ] {\"lost\": 1}\n{\"ok\": 2}\n")
    #expect(problems(got).map(\.offset) == [10])
    #expect(values(got).count == 2)
  }

  @Test func eachMalformedClassIsFollowedByAnEmittedMessage() {
    let ok = "{\"ok\": true}\n"
    let bad: [[UInt8]] = [
      Array("{\"a\": NaN}\n".utf8), Array("{\"a\": Infinity}\n".utf8),
      Array("{\"a\": 1e400}\n".utf8), Array("{\"a\": \"\\ud800\"}\n".utf8),
      [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D, 0x0A], Array("{\"a\": \"\u{1f}\"}\n".utf8),
      Array("{\"a\" 1}\n".utf8), Array("[1, 2\n".utf8), Array("]]]\n".utf8),
      Array("{\"a\": 01}\n".utf8),
    ]
    for b in bad {
      let got = events(b + Array(ok.utf8))
      #expect(problems(got).count == 1, "\(String(decoding: b, as: UTF8.self))")
      #expect(values(got) == [parsed(ok)!], "\(String(decoding: b, as: UTF8.self))")
    }
  }

  @Test func offsetsLinesAndColumnsCountFromTheStartOfTheStream() {
    let text = "{\"a\": 1}\n{\"b\": x}\n"
    for cuts in [[], [3, 12], [15]] {
      let got = problems(events(text, cuts: cuts))
      #expect(got.map(\.offset) == [15])
      #expect(got.map(\.line) == [2] && got.map(\.column) == [7])
      #expect(got.first?.excerpt == #"{\"b\": x}"#, "cuts \(cuts)")
    }
  }

  @Test func aTrailingIncompleteValueIsOneMalformedEvent() {
    let got = events("{\"a\": 1}\n{\"b\": [1, {")
    #expect(values(got).count == 1)
    #expect(problems(got).map(\.reason) == ["unexpected end of input"])
    #expect(problems(got).first?.offset == 20)
  }

  @Test func aNumberAtTheEndOfInputIsComplete() {
    #expect(events("1 2 -3.5") == [.value(.int(1)), .value(.int(2)), .value(.double(-3.5))])
    #expect(events("12", cuts: [1]) == [.value(.int(12))])
  }

  @Test func depth512IsAcceptedAnd513RejectedAndSkipped() {
    let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    let deep = "{\"a\": " + ok + "}"
    let text = ok + "\n" + deep + "\n{\"ok\": 1}\n"
    for cuts in [[], [100], [1030, 1100]] {
      let got = events(text, cuts: cuts)
      #expect(values(got).count == 2)
      #expect(problems(got).map(\.reason) == ["nesting deeper than 512"])
      #expect(problems(got).first?.offset == 1025 + 6 + 511)
    }
  }

  @Test func anOversizedValueIsDiscardedWithBoundedMemory() {
    let maxBytes = 1 << 20
    var parser = StreamParser(maxValueBytes: maxBytes)
    var got: [ParseEvent] = []
    let chunkSize = 64 * 1024
    var chunk = [UInt8](repeating: UInt8(ascii: " "), count: chunkSize)
    let head = Array("{\"ok\": 0}\n{\"big\": [\"".utf8)
    chunk.replaceSubrange(0..<head.count, with: head)
    var peak = 0
    for n in 0..<320 {  // 20 MiB of one string, then its end and a good message
      if n == 1 { chunk = [UInt8](repeating: UInt8(ascii: "x"), count: chunkSize) }
      if n == 319 {
        chunk = Array("\"]}\n{\"ok\": 1}\n".utf8)
        chunk += [UInt8](repeating: UInt8(ascii: " "), count: chunkSize - chunk.count)
      }
      chunk.withUnsafeBytes { parser.feed($0) { got.append($0) } }
      peak = max(peak, parser.bufferedByteCount)
    }
    parser.finish { got.append($0) }
    #expect(peak <= maxBytes + chunkSize)
    #expect(parser.bufferedByteCount == 0)
    #expect(problems(got).map(\.reason) == ["value larger than 1048576 bytes"])
    #expect(problems(got).first?.offset == 10)
    #expect(values(got).count == 2)
  }

  @Test func aValueSpanningManyChunksIsParsedOnce() {
    var text = "[" + String(repeating: "{\"k\": \"v\u{e9}\", \"n\": 1.5},\n", count: 20000)
    text += "0]\n{\"after\": 1}"
    let cuts = Array(stride(from: 7, to: text.utf8.count, by: 4096))
    let got = events(text, cuts: cuts)
    #expect(problems(got).isEmpty)
    #expect(values(got).count == 2)
    #expect(values(got).first?.arrayValue?.count == 20001)
  }

  @Test func whitespaceOnlyAndEmptyInputGiveNoEvents() {
    #expect(events("").isEmpty)
    #expect(events(" \n\t\r\n ").isEmpty)
  }
}
