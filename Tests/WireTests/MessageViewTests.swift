import Policy
import Testing

@testable import Wire

/// The envelope read lazily, the stream parser's views, and reply lines written in place.
struct MessageViewTests {
  /// Feeds `bytes` in chunks ending at `cuts`, offering views to `take`; returns the events, and
  /// the whole text of every view taken.
  func feed(
    _ bytes: [UInt8], cuts: [Int], take: @escaping (MessageView) -> Bool
  ) -> (events: [ParseEvent], taken: [String]) {
    var parser = StreamParser()
    var out: [ParseEvent] = []
    var taken: [String] = []
    var start = 0
    for cut in cuts + [bytes.count] where cut >= start {
      bytes[start..<cut].withUnsafeBytes { p in
        parser.feed(
          p,
          views: { view in
            guard take(view) else { return false }
            taken.append(view.whole.pythonText)
            return true
          }, { out.append($0) })
      }
      start = cut
    }
    parser.finish { out.append($0) }
    return (out, taken)
  }

  @Test func theEnvelopesPartsAreFoundAtTheirLastOccurrence() {
    let text = #"""
      {"id":4,"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"a","msg_id":7,
       "echo":{"x":[1,2.50]}},"src":"c2"}
      """#
    let result = Array(text.utf8).withUnsafeBytes { p in
      var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: true)
      let v = try? MessageView(parsing: &parser)
      return v.map { v in
        (
          v.isPlainEnvelope, v.src?.stringValue, v.dest?.stringValue, v.type?.isString("echo"),
          v.msgID?.intValue, v.inReplyTo == nil, v.field("echo")?.pythonText,
          v.field("nothing") == nil
        )
      }
    }
    let r = try! #require(result)
    #expect(r.0 && r.1 == "c2" && r.2 == "n1" && r.3 == true && r.4 == 7 && r.5)
    #expect(r.6 == #"{"x": [1, 2.5]}"# && r.7)
  }

  /// A body whose keys are all different ends the lookup at the first match; a repeated key,
  /// escaped or not, makes it walk on to the last.
  @Test func aFieldIsItsLastOccurrenceWhetherOrNotTheLookupStopsEarly() {
    let cases: [(String, String?)] = [
      (#"{"echo":"a","type":"echo","msg_id":1}"#, #""a""#),
      (#"{"echo":{"k":1,"k":2},"type":"echo","msg_id":1}"#, #"{"k": 2}"#),
      (#"{"echo":"a","type":"echo","echo":"b"}"#, #""b""#),
      (#"{"echo":"a","type":"echo","x":{"y":1,"y":2},"echo":"c"}"#, #""c""#),
      (#"{"type":"echo","msg_id":1}"#, nil),
    ]
    for (body, expected) in cases {
      let text = #"{"src":"c1","dest":"n1","body":"# + body + "}"
      let found = Array(text.utf8).withUnsafeBytes { p -> String?? in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: true)
        guard let v = try? MessageView(parsing: &parser) else { return .none }
        return .some(v.field("echo")?.pythonText)
      }
      #expect(found == .some(expected), "\(body)")
    }
  }

  @Test func envelopesTheFastPathCannotTakeAsTheyStandAreSaidToBeSo() {
    let texts = [
      #"[1]"#, #"{"src":1,"dest":"n1","body":{"type":"echo"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":3}}"#, #"{"src":"c1","dest":"n1","body":[]}"#,
      #"{"src":"c1","dest":"n1"}"#, #"{"sr\u0063":"c1","dest":"n1","body":{"type":"echo"}}"#,
      #"{"src":"c1","dest":"n1","body":{"typ\u0065":"echo"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo"},"body":5}"#,
    ]
    for text in texts {
      let plain = Array(text.utf8).withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: true)
        return (try? MessageView(parsing: &parser))?.isPlainEnvelope
      }
      #expect(plain == false, "\(text)")
    }
  }

  @Test func aStreamOfferedAsViewsReportsWhatThePlainStreamReports() {
    var random = RandomJSON(rng: SplitMix64(seed: 0x5713))
    var junk = RandomJSON(rng: SplitMix64(seed: 0x5714))
    var messy = MessyJSON(rng: SplitMix64(seed: 0x5715))
    var rng = SplitMix64(seed: 0x5716)
    var bytes: [UInt8] = []
    for _ in 0..<400 {
      var line = Array(messy.text(random.value(), randomJunk: &junk).utf8)
      if rng.next() % 4 == 0 && !line.isEmpty {
        line[Int(rng.next() % UInt64(line.count))] = [0x7B, 0x22, 0x0A, 0xFF, 0x5D][Int(rng.next() % 5)]
      }
      bytes += line + [0x0A]
    }
    let cuts = (0..<60).map { _ in Int(rng.next() % UInt64(bytes.count)) }.sorted()
    let plain = events(bytes, cuts: cuts)
    // Views declined: the same events, values and problems alike.
    #expect(feed(bytes, cuts: cuts, take: { _ in false }).events == plain)
    // Views taken: the problems stay; the values come as views instead, in the same writing.
    let taken = feed(bytes, cuts: cuts, take: { _ in true })
    #expect(problems(taken.events) == problems(plain))
    let treeTexts = values(plain).map(\.pythonText)
    let viewTexts = taken.taken + values(taken.events).map(\.pythonText)
    #expect(viewTexts.sorted() == treeTexts.sorted())
    #expect(taken.taken.count > treeTexts.count / 2)
  }

  /// Envelopes, the walk's daily bread, in every layout a line may have: plain, messy (with
  /// newlines inside), two on a line, CRLF endings, mutated; views are walked before the end of
  /// their line is known, and must come out as the plain stream's values, problems unchanged.
  @Test func envelopesOfferedAsViewsReportWhatThePlainStreamReports() {
    var random = RandomJSON(rng: SplitMix64(seed: 0x5717))
    var junk = RandomJSON(rng: SplitMix64(seed: 0x5718))
    var messy = MessyJSON(rng: SplitMix64(seed: 0x5719))
    var rng = SplitMix64(seed: 0x571A)
    let walk = EnvelopeWalkTests()
    var bytes: [UInt8] = []
    for k in 0..<600 {
      let value = walk.envelope(&random, &rng)
      var line = Array((k % 2 == 0 ? value.pythonText : messy.text(value, randomJunk: &junk)).utf8)
      switch rng.next() % 8 {
      case 0: line += Array(" \(walk.envelope(&random, &rng).pythonText)".utf8)
      case 1: line += [0x0D]
      case 2 where !line.isEmpty:
        line[Int(rng.next() % UInt64(line.count))] = [0x7B, 0x22, 0x0A, 0xFF, 0x5D][Int(rng.next() % 5)]
      case 3 where !line.isEmpty: line.insert(0x0A, at: Int(rng.next() % UInt64(line.count)))
      default: break
      }
      bytes += line + [0x0A]
    }
    let cuts = (0..<80).map { _ in Int(rng.next() % UInt64(bytes.count)) }.sorted()
    let plain = events(bytes, cuts: cuts)
    #expect(feed(bytes, cuts: cuts, take: { _ in false }).events == plain)
    let taken = feed(bytes, cuts: cuts, take: { _ in true })
    #expect(problems(taken.events) == problems(plain))
    #expect(!problems(plain).isEmpty)
    let treeTexts = values(plain).map(\.pythonText)
    let viewTexts = taken.taken + values(taken.events).map(\.pythonText)
    #expect(viewTexts == treeTexts || viewTexts.sorted() == treeTexts.sorted())
    #expect(taken.taken.count > treeTexts.count / 2)
  }

  @Test func aReplyIsWrittenInPlaceAsTheTreeWouldWriteIt() {
    let text = #"{"src":"c\u00e9","dest":"n1","body":{"type":"echo","msg_id":1E2,"echo":[1,"\/"]}}"#
    var out: [UInt8] = []
    Array(text.utf8).withUnsafeBytes { p in
      var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: true)
      let v = try! MessageView(parsing: &parser)
      JSONWriter.appendLine(to: &out) { w in
        w.open(src: "n1", dest: v.src!)
        w.field("type", string: "echo_ok")
        w.field("echo", v.field("echo")!)
        w.field("in_reply_to", v.msgID!)
        w.field("msg_id", int: 5)
      }
    }
    let expected =
      #"{"src": "n1", "dest": "c\u00e9", "body": {"type": "echo_ok", "echo": [1, "/"], "#
      + #""in_reply_to": 100.0, "msg_id": 5}}"# + "\n"
    #expect(String(decoding: out, as: UTF8.self) == expected)
  }
}
