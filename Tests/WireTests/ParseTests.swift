import Testing

@testable import Wire

struct ParseTests {
  @Test func scalarsParseToTheirCases() {
    #expect(parsed("null") == .null)
    #expect(parsed(" true ") == .bool(true))
    #expect(parsed("false") == .bool(false))
    #expect(parsed("\"hi\"") == .string("hi"))
    #expect(parsed("42") == .int(42))
    #expect(parsed("-7") == .int(-7))
    #expect(parsed("1.5") == .double(1.5))
    #expect(parsed("1e2") == .double(100))
    #expect(parsed("-2.5E-3") == .double(-0.0025))
  }

  @Test func minusZeroIsTheIntegerZero() {
    #expect(parsed("-0") == .int(0))
    if case .double(let d) = parsed("-0.0") { #expect(d.sign == .minus) } else { Issue.record() }
  }

  @Test func integersOutsideIntStayExactAsBigInt() {
    #expect(parsed("9223372036854775807") == .int(Int.max))
    #expect(parsed("-9223372036854775808") == .int(Int.min))
    #expect(parsed("9223372036854775808") == .bigInt("9223372036854775808"))
    #expect(parsed("-9223372036854775809") == .bigInt("-9223372036854775809"))
    let huge = String(repeating: "7", count: 400)
    #expect(parsed(huge) == .bigInt(huge))
  }

  @Test func doublesRoundCorrectlyAndUnderflowToZero() {
    #expect(parsed("0.1") == .double(0.1))
    #expect(parsed("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
    #expect(parsed("5e-324") == .double(.leastNonzeroMagnitude))
    #expect(parsed("1e-400") == .double(0))
  }

  @Test func numbersThatOverflowADoubleAreMalformed() {
    #expect(parseError("1e400")?.reason == "number out of range")
    #expect(parseError("[-1e400]")?.offset == 1)
  }

  @Test func nonJSONNumbersAndLiteralsAreRejected() {
    for text in ["NaN", "Infinity", "-Infinity", "01", "1.", ".5", "1e", "+1", "-", "1.5.2", "tru"] {
      #expect(parseError(text) != nil, "\(text)")
    }
    #expect(parseError("01")?.reason == "invalid number")
    #expect(parseError("NaN")?.reason == "expected value")
  }

  @Test func escapesDecodeAndSurrogatePairsCombine() {
    #expect(parsed(#""a\"\\\/\b\f\n\r\t""#) == .string("a\"\\/\u{8}\u{c}\n\r\t"))
    #expect(parsed(#""\u00e9\u4e2D""#) == .string("é中"))
    #expect(parsed(#""\ud83d\ude00!""#) == .string("😀!"))
  }

  @Test func loneSurrogateEscapesAreMalformed() {
    #expect(parseError(#""\ud800""#)?.reason == "lone surrogate")
    #expect(parseError(#""x\udc00""#)?.offset == 2)
    #expect(parseError(#""\ud800\u0041""#)?.reason == "lone surrogate")
    #expect(parseError(#""\ud800\n""#)?.reason == "lone surrogate")
  }

  @Test func rawControlCharactersInStringsAreMalformed() {
    let e = parseError("\"a\u{1}b\"")
    #expect(e?.reason == "unescaped control character in string")
    #expect(e?.offset == 2)
    #expect(e?.excerpt == #"\"a\x01b\""#)
    #expect(parsed("\"a\u{7f}b\"") == .string("a\u{7f}b"))
  }

  @Test func invalidUTF8IsMalformedAtTheOffendingByte() {
    let cases: [([UInt8], Int)] = [
      ([0x22, 0xC0, 0x80, 0x22], 1),  // overlong
      ([0x22, 0xE0, 0x80, 0x80, 0x22], 2),  // overlong
      ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),  // UTF-8-encoded surrogate
      ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),  // beyond U+10FFFF
      ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),
      ([0x22, 0x41, 0xC3, 0x22], 2),  // truncated sequence
      ([0x22, 0xFF, 0x22], 1),
    ]
    for (bytes, offset) in cases {
      let error = bytes.withUnsafeBytes { p -> MalformedInput? in
        do throws(MalformedInput) {
          _ = try JSON.parse(p)
          return nil
        } catch { return error }
      }
      #expect(error?.reason == "invalid UTF-8 in string", "\(bytes)")
      #expect(error?.offset == offset, "\(bytes)")
    }
    #expect(parsed("\"\u{10FFFF}é\u{FFFF}\"") == .string("\u{10FFFF}é\u{FFFF}"))
  }

  @Test func duplicateKeysKeepFirstPositionAndLastValue() {
    let o = parsed(#"{"a": 1, "b": 2, "a": 3}"#)
    #expect(o == .object(JSONObject([.init("a", .int(3)), .init("b", .int(2))])))
  }

  @Test func thousandsOfKeysWithDuplicatesStayCorrect() {
    var text = "{"
    for k in 0..<5000 { text += "\"k\(k % 3000)\": \(k)," }
    text += "\"end\": 0}"
    guard case .object(let o) = parsed(text) else {
      Issue.record("not an object")
      return
    }
    #expect(o.count == 3001)
    #expect(o.fields[0] == .init("k0", .int(3000)))
    #expect(o.fields[2999] == .init("k2999", .int(2999)))
    #expect(o.fields[1999] == .init("k1999", .int(4999)))
  }

  @Test func canonicallyEquivalentKeysStayDistinct() {
    let o = parsed("{\"\u{e9}\": 1, \"e\u{301}\": 2}")?.objectValue
    #expect(o?.count == 2)
  }

  @Test func depth512IsAcceptedAnd513Rejected() {
    let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(parsed(ok) != nil)
    let deep = "[" + ok + "]"
    #expect(parseError(deep)?.reason == "nesting deeper than 512")
    #expect(parseError(deep)?.offset == 512)
  }

  @Test func structuralErrorsNameWhatWasExpected() {
    #expect(parseError(#"{"a" 1}"#)?.reason == "expected ':' after object key")
    #expect(parseError(#"{"a": 1 "b"}"#)?.reason == "expected ',' or '}' in object")
    #expect(parseError("[1 2]")?.reason == "expected ',' or ']' in array")
    #expect(parseError("{1: 2}")?.reason == "expected string key in object")
    #expect(parseError("[1,]")?.reason == "expected value")
    #expect(parseError("[1] x")?.reason == "unexpected data after value")
    #expect(parseError("[1, 2")?.reason == "unexpected end of input")
    #expect(parseError(#""\x""#)?.reason == "invalid escape")
    #expect(parseError(#""\u12g4""#)?.offset == 5)
  }

  @Test func descriptionIsOneLine() {
    let e = MalformedInput(offset: 3, line: 2, column: 1, reason: "expected value", excerpt: "ab")
    #expect(e.description == #"expected value at line 2 column 1 (byte 3) near "ab""#)
  }
}

@Suite struct CompactionTests {
  @Test func aCompactedValueIsEqualAndHasNoSpareCapacity() throws {
    let v = try JSON.parse(#"{"type":"read","key":{"a":[1,{"b":2}]},"x":[]}"#)
    let c = v.compacted()
    #expect(c == v)
    guard case .object(let o) = c, case .object(let inner) = o["key"]!,
      case .array(let a) = inner["a"]!
    else {
      Issue.record("shape lost")
      return
    }
    #expect(o.fields.capacity == 3 && inner.fields.capacity == 1 && a.capacity == 2)
  }
}
