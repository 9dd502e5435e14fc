import Testing

@testable import Wire

/// Cases aimed at the parser's fast paths: strings scanned a word at a time, keys and types
/// returned as literals, repeated keys found through signatures, small integers.
struct FastPathTests {
  @Test func stringsParseWhateverTheLengthAndWhereTheirFirstSpecialByteIs() {
    let specials: [(text: String, value: String)] = [
      (#"\n"#, "\n"), (#"\""#, "\""), (#"\\"#, "\\"), (#"\u0041"#, "A"), ("é", "é"), ("😀", "😀"),
      ("\u{7f}", "\u{7f}"),
    ]
    for length in 0...40 {
      let plain = String(repeating: "p", count: length)
      #expect(parsed("\"\(plain)\"") == .string(plain))
      #expect(parsed("[\"\(plain)\",1]") == .array([.string(plain), .int(1)]))
      for at in 0...length {
        let head = String(repeating: "a", count: at)
        let tail = String(repeating: "b", count: length - at)
        for s in specials {
          #expect(parsed("\"\(head)\(s.text)\(tail)\"") == .string(head + s.value + tail))
        }
        let bad = parseError("\"\(head)\u{1}\(tail)\"")
        #expect(bad?.reason == "unescaped control character in string")
        #expect(bad?.offset == at + 1)
      }
    }
  }

  @Test func knownWordsAndNearMissesParseToThemselves() {
    let words = [
      "id", "src", "dest", "body", "type", "echo", "code", "text", "init", "error", "msg_id",
      "echo_ok", "node_id", "init_ok", "node_ids", "in_reply_to",
    ]
    for w in words {
      var near = Array(w.utf8)
      near[near.count - 1] ^= 0x01
      let miss = String(decoding: near, as: UTF8.self)
      var first = Array(w.utf8)
      first[0] ^= 0x01
      let missFirst = String(decoding: first, as: UTF8.self)
      let o = parsed("{\"\(w)\":\"\(w)\",\"\(miss)\":\"\(missFirst)\"}")
      #expect(
        o == .object(JSONObject([.init(w, .string(w)), .init(miss, .string(missFirst))])), "\(w)")
    }
  }

  @Test func repeatedKeysAreFoundWhateverTheirSpelling() {
    #expect(
      parsed(#"{"ab":1,"x":0,"ab":2}"#)
        == .object(JSONObject([.init("ab", .int(2)), .init("x", .int(0))])))
    #expect(parsed(#"{"a\u0062":1,"ab":2}"#) == .object(JSONObject([.init("ab", .int(2))])))
    #expect(parsed(#"{"ab":1,"a\u0062":2}"#) == .object(JSONObject([.init("ab", .int(2))])))
    #expect(parsed(#"{"":1,"":2}"#) == .object(JSONObject([.init("", .int(2))])))
    // Keys of the same length and ends, so of the same signature, stay distinct.
    #expect(parsed(#"{"axb":1,"ayb":2}"#)?.objectValue?.count == 2)
    for n in 1...20 {
      let keys = (0..<n).map { "k\($0)" }
      let text = "{" + (keys + keys).enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",")
      let o = parsed(text + "}")?.objectValue
      #expect(o?.fields.map(\.key) == keys)
      #expect(o?.fields.map(\.value) == (n..<2 * n).map { .int($0) })
    }
  }

  @Test func integersParseExactlyAtEveryLength() {
    var digits = ""
    for d in 0..<25 {
      digits += String((d + 1) % 10)
      let text = "[\(digits),-\(digits)]"
      if let v = Int(digits) {
        #expect(parsed(text) == .array([.int(v), .int(-v)]), "\(digits)")
      } else {
        #expect(parsed(text) == .array([.bigInt(digits), .bigInt("-" + digits)]), "\(digits)")
      }
      #expect(parsed(digits) == (Int(digits).map { .int($0) } ?? .bigInt(digits)))
    }
    #expect(parsed("[0,7,10]") == .array([.int(0), .int(7), .int(10)]))
    #expect(parseError("[01]")?.reason == "invalid number")
    #expect(parseError("[1x]")?.reason == "expected ',' or ']' in array")
    #expect(parseError("[12.]")?.reason == "invalid number")
    #expect(parsed("[12.5,3e2]") == .array([.double(12.5), .double(300)]))
    #expect(values(events("12 3", cuts: [1])) == [.int(12), .int(3)])
  }
}
