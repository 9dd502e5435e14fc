import Policy
import Testing

@testable import Wire

/// The fast path (a `MessageView` over the input, values transcoded from their bytes) against
/// the tree path (`JSON.parse` and `JSONWriter`), which is the reference.
struct RawJSONTests {
  /// The view of `text`, or nil when validation rejects it; `body` runs while it is valid.
  func withView<R>(_ text: String, _ body: (MessageView) -> R) -> R? {
    var bytes = Array(text.utf8)
    bytes.append(0x0A)  // a number at the end needs a byte after it when not at EOF
    return bytes.withUnsafeBytes { p in
      var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
      do throws(ParseFailure) {
        return body(try MessageView(parsing: &parser))
      } catch {
        return nil
      }
    }
  }

  /// What the fast path writes for the whole of `text`, or nil when it rejects it.
  func fast(_ text: String) -> String? { withView(text) { $0.whole.pythonText } }

  @Test func trapsComeOutAsPythonPrintsThem() {
    let cases: [(String, String)] = [
      ("1E5", "100000.0"), ("-0", "0"), ("-0.0", "-0.0"), ("1.50", "1.5"), ("0e0", "0.0"),
      ("1e+016", "1e+16"), ("123456789012345678901234567890", "123456789012345678901234567890"),
      ("-9223372036854775809", "-9223372036854775809"), ("1e-7", "1e-07"), ("5E-324", "5e-324"),
      (#""\/""#, #""/""#), ("\"\u{7f}\"", #""\u007f""#), (#""\u007F""#, #""\u007f""#),
      (#""\u0041\u00E9""#, #""A\u00e9""#), (#""\uD83D\uDE00""#, #""\ud83d\ude00""#),
      ("\"😀é\"", #""\ud83d\ude00\u00e9""#), (#""\u000a\u0022\u005c""#, #""\n\"\\""#),
      (#""\u0001\b\f""#, #""\u0001\b\f""#), (#"{"a":1,"a":2}"#, #"{"a": 2}"#),
      (#"{"a":1,"b":{"c":[1,{"c":0,"c":3}]},"a":2}"#, #"{"a": 2, "b": {"c": [1, {"c": 3}]}}"#),
      (#"{"ab":1,"a\u0062":2}"#, #"{"ab": 2}"#), (" [ 1 ,\n2\t] ".trimmed, "[1, 2]"),
      (#"{"msg_id":1,"x":{},"msg_id":2}"#, #"{"msg_id": 2, "x": {}}"#), ("[]", "[]"),
      ("{}", "{}"), ("[true,false,null]", "[true, false, null]"),
      (#"{"a\n":1,"b":0,"a\u000A":2}"#, #"{"a\n": 2, "b": 0}"#),
      ("{\"\\u00e9\":1,\"é\":2}", #"{"\u00e9": 2}"#),
      ("{\"\\ud83d\\ude00\":1,\"😀\":2}", #"{"\ud83d\ude00": 2}"#),
      (#"{"\/":1,"/":2,"\"":3}"#, #"{"/": 2, "\"": 3}"#),
    ]
    for (input, expected) in cases {
      #expect(fast(input) == expected, "\(input)")
      #expect(parsed(input)?.pythonText == expected, "tree: \(input)")
    }
  }

  @Test func malformedValuesAreRejectedAsTheTreeParserRejectsThem() {
    let bad = [
      "\"\u{1}\"", #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#, "NaN", "Infinity", "-Infinity",
      "1e400", "-1e999", "[1,]", "{\"a\"}", "01", "1.", ".5", "[", "{\"a\":1,}", "\"\\x\"",
      "[1e309]", "1" + String(repeating: "0", count: 400) + ".0", "tru", "nul",
      String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
    ]
    for text in bad {
      #expect(fast(text) == nil, "\(text)")
      #expect(parsed(text) == nil, "tree: \(text)")
    }
    let invalidUTF8: [[UInt8]] = [[0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22]]
    for bytes in invalidUTF8 {
      let verdict = (bytes + [0x0A]).withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        return (try? MessageView(parsing: &parser)) != nil
      }
      #expect(!verdict)
    }
    let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(fast(deepest) == parsed(deepest)?.pythonText)
  }

  @Test func randomValuesWrittenAnyWayComeOutAsTheTreePathWritesThem() {
    var random = RandomJSON(rng: SplitMix64(seed: 0xFA57))
    var junk = RandomJSON(rng: SplitMix64(seed: 0x7A11))
    var messy = MessyJSON(rng: SplitMix64(seed: 0x3E55))
    var transcoded = 0
    for k in 0..<3000 {
      let text = messy.text(random.value(), randomJunk: &junk)
      let tree = parsed(text)
      #expect(tree != nil, "value \(k) does not parse: \(text)")
      let ours = fast(text)
      if withView(text, { !$0.whole.mayRepeatKeys }) == true { transcoded += 1 }
      if ours != tree?.pythonText {
        Issue.record("value \(k): \(text)\nfast \(ours ?? "rejected")\ntree \(tree?.pythonText ?? "-")")
        return
      }
    }
    // Most values go through the transcoder, not the tree it falls back to.
    #expect(transcoded > 2000, "\(transcoded) of 3000 transcoded")
  }

  @Test func mutatedTextGetsTheTreeParsersVerdict() {
    var random = RandomJSON(rng: SplitMix64(seed: 0xBAD))
    var junk = RandomJSON(rng: SplitMix64(seed: 0xBAD2))
    var messy = MessyJSON(rng: SplitMix64(seed: 0xBAD3))
    var rng = SplitMix64(seed: 0xBAD4)
    let bytes: [UInt8] =
      Array(#"{}[]",:\/u0123456789abcdefABCDEF.eE+-ntrfulsa "#.utf8) + [
        0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xED, 0xA0, 0xF0, 0xF4, 0x9F, 0xFF,
      ]
    var accepted = 0
    for k in 0..<4000 {
      var text = Array(messy.text(random.value(), randomJunk: &junk).utf8)
      for _ in 0..<(1 + Int(rng.next() % 3)) where !text.isEmpty {
        let at = Int(rng.next() % UInt64(text.count))
        switch rng.next() % 3 {
        case 0: text[at] = bytes[Int(rng.next() % UInt64(bytes.count))]
        case 1: text.remove(at: at)
        default: text.insert(bytes[Int(rng.next() % UInt64(bytes.count))], at: at)
        }
      }
      let tree = text.withUnsafeBytes { try? JSON.parse($0) }
      let view = (text + [0x0A]).withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        parser.skipWhitespace()
        guard let v = try? MessageView(parsing: &parser) else { return String?.none }
        parser.skipWhitespace()
        return parser.i == p.count ? v.whole.pythonText : nil
      }
      if view != nil { accepted += 1 }
      if view != tree?.pythonText {
        let shown = String(decoding: text, as: UTF8.self)
        Issue.record("text \(k): \(shown)\nfast \(view ?? "rejected")\ntree \(tree?.pythonText ?? "rejected")")
        return
      }
    }
    #expect(accepted > 400 && accepted < 3600, "\(accepted) of 4000 mutated texts accepted")
  }
}

extension String {
  var trimmed: String { String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()) }
}
