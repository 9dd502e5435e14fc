import Testing

@testable import Wire

/// The rules that keep one bad line from costing the next message (SPEC section 2): a cut line,
/// a value past the depth or size limit, and pretty-printed input that must read as before.
struct ResyncTests {
  static let message =
    #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": {"a": [1, -2.5e3, "x\u00e9 \"q\"", true, null, {"k": [{}]}], "b": {}}, "msg_id": 1}}"#
  static let echo = #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "echo": 2, "msg_id": 2}}"#

  /// Every chunking of `text` into two pieces, and one byte at a time, gives the same summary.
  func expectChunkingIndependent(_ text: String, _ parser: StreamParser = StreamParser()) {
    let whole = summary(events(text, parser: parser))
    let n = text.utf8.count
    for cut in stride(from: 0, through: n, by: max(1, n / 40)) {
      #expect(summary(events(text, cuts: [cut], parser: parser)) == whole, "cut at \(cut)")
    }
    #expect(summary(events(text, cuts: Array(0...n), parser: parser)) == whole)
  }

  @Test func everyCutPointOfAMessageKeepsTheEchoAfterIt() {
    let bytes = Array(Self.message.utf8)
    let echo = parsed(Self.echo)!
    for k in 1..<bytes.count {
      let text = String(decoding: bytes[..<k], as: UTF8.self) + "\n" + Self.echo + "\n"
      let got = events(text)
      #expect(values(got).last == echo, "cut after \(k) bytes: \(summary(got))")
      #expect(problems(got).count >= 1, "cut after \(k) bytes")
      // At the end of the cut line, or at the echo's first byte when that is a grammar error.
      #expect([1, 2].contains(problems(got).first?.line), "cut after \(k) bytes")
      if k % 7 == 0 { expectChunkingIndependent(text) }
    }
  }

  @Test func aCutLineIsReportedAtItsEndWithAnExcerptFromItsStart() {
    let text = #"{"src": "c1", "body": {"echo": ["# + "\n" + Self.echo + "\n"
    let got = events(text)
    #expect(values(got) == [parsed(Self.echo)!])
    let p = problems(got)
    #expect(p.map(\.reason) == ["unfinished value, cut by a whole message on the next line"])
    #expect(p.map(\.offset) == [32] && p.map(\.line) == [1] && p.map(\.column) == [33])
    #expect(p.first?.excerpt == #"{\"src\": \"c1\", \"body\": {\"echo\": ["#)
  }

  @Test func prettyPrintedMessagesWithObjectsInsideArraysReadAsBefore() {
    let pretty = """
      {
        "src": "c1",
        "dest": "n1",
        "body": {
          "type": "echo",
          "echo": [
            {
              "a": [
                {},
                {"b": 1}
              ]
            },
            {"c": [1, 2]}
          ],
          "msg_id": 1
        }
      }
      """
    let text = pretty + "\n" + pretty + "\n" + Self.echo + "\n" + pretty
    let got = events(text)
    #expect(problems(got).isEmpty)
    #expect(values(got).count == 4)
    #expect(values(got)[0] == values(got)[3])
    expectChunkingIndependent(text)
  }

  @Test func cutLinesAndPrettyMessagesInterleavedLoseNothing() {
    let pretty = "{\n  \"a\": [\n    {\n      \"b\": [\n        {}\n      ]\n    }\n  ]\n}"
    let cuts = [#"{"src": "c1", "body": {"#, #"{"a": ["#, #"{"a": [{"b": "#, "[[", #"{"k":"#]
    var text = ""
    for c in cuts { text += pretty + "\n" + c + "\n" + Self.echo + "\n" }
    let got = events(text)
    #expect(values(got).count == 2 * cuts.count, "\(summary(got))")
    #expect(problems(got).count == cuts.count, "\(summary(got))")
    expectChunkingIndependent(text)
  }

  @Test func onlyAWholeObjectAloneInTheFirstColumnEndsAnUnfinishedValue() {
    // Indented, followed by a comma, or spanning lines: part of the value before it.
    for text in ["[\n  {\"b\": 1}\n]\n", "[\n{\"b\": 1},\n2\n]\n", "[\n{\"b\":\n1}\n]\n"] {
      let got = events(text)
      #expect(problems(got).isEmpty && values(got).count == 1, "\(text): \(summary(got))")
      expectChunkingIndependent(text)
    }
    // Followed by more than whitespace: not alone, so an error in the value.
    let got = events("[\n{\"b\": 1} 2\n]\n")
    #expect(values(got).isEmpty)
    #expect(problems(got).first?.reason == "expected ',' or ']' in array")
    // At the end of input, the last line needs no newline.
    for text in ["[\n" + Self.echo, "[\n" + Self.echo + " \t"] {
      #expect(values(events(text)) == [parsed(Self.echo)!])
      expectChunkingIndependent(text)
    }
  }

  @Test func deepUnclosedValuesNeverSwallowTheNextMessage() {
    let echo = parsed(Self.echo)!
    let shapes = [
      String(repeating: "[", count: 600), String(repeating: "{\"a\": ", count: 600),
      String(repeating: "[{\"k\": ", count: 300), String(repeating: "[ ", count: 513) + "1",
      String(repeating: "[", count: 300) + "\n" + String(repeating: "[", count: 300),
      String(repeating: "{\"a\": [", count: 257) + "\n  " + String(repeating: "]}", count: 10),
    ]
    for shape in shapes {
      let text = shape + "\n" + Self.echo + "\n"
      let got = events(text)
      #expect(values(got) == [echo], "\(shape.prefix(20)): \(summary(got))")
      #expect(problems(got).first?.reason == "nesting deeper than 512", "\(shape.prefix(20))")
      expectChunkingIndependent(text)
    }
  }

  @Test func aValuePastTheSizeLimitEndsAtTheEndOfThatLine() {
    let parser = StreamParser(maxValueBytes: 100, maxDepth: 8)
    let long = "{\"a\": [" + String(repeating: "1, ", count: 40)
    for text in [long + "\n" + Self.echo + "\n", "{\"a\": [\n" + long + "\n" + Self.echo + "\n"] {
      let got = events(text, parser: parser)
      #expect(values(got) == [parsed(Self.echo)!], "\(summary(got))")
      #expect(problems(got).map(\.reason) == ["value larger than 100 bytes"])
      expectChunkingIndependent(text, parser)
    }
  }

  @Test func aProblemFarIntoALongLineShowsTheLineStartAndTheBytesAroundIt() {
    let text = "{\"pad\": \"" + String(repeating: "p", count: 200) + "\", \"x\": tru}\n"
    let got = problems(events(text))
    #expect(got.map(\.column) == [221] && got.map(\.line) == [1])
    #expect(
      got.first?.excerpt
        == #"{\"pad\": \"ppppppppppppppppppppppppppppppp...ppppppppppppp\", \"x\": tru}"#)
    #expect(got.first?.description.hasPrefix("invalid literal at line 1 column 221 (byte 220)") == true)
  }

  @Test func aMalformedValueIsReportedOnceAndSkippedWholeSoEachByteIsScannedOnce() {
    // Invalid UTF-8 on every other line of one unfinished value, 300 deep: the scanner passes
    // it (only the full parse sees it), and resuming after each problem would scan the rest
    // again and again. The value is reported at its first problem and skipped up to where the
    // scanner stopped: the whole message on the last line.
    var bytes: [UInt8] = []
    for _ in 0..<300 { bytes += Array("[\n\"".utf8) + [0xFF] + Array("\",\n".utf8) }
    bytes += Array((Self.echo + "\n").utf8)
    let got = events(bytes, cuts: [1000, 2000])
    #expect(values(got) == [parsed(Self.echo)!])
    #expect(problems(got).map(\.offset) == [3])
    #expect(summary(events(bytes)) == summary(got))
  }
}
