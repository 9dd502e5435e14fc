import Testing

@testable import Wire

struct WriterTests {
  func double(_ d: Double) -> String { JSON.double(d).pythonText }

  @Test func floatsPrintAsPythonRepr() {
    let cases: [(Double, String)] = [
      (1, "1.0"), (100, "100.0"), (0.0001, "0.0001"), (1e-5, "1e-05"), (1e16, "1e+16"),
      (1e15, "1000000000000000.0"), (9_999_999_999_999_998, "9999999999999998.0"),
      (123_456_789_012_345_680, "1.2345678901234568e+17"), (0.1, "0.1"), (-0.0, "-0.0"), (0, "0.0"),
      (.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
      (-1.7976931348623157e308, "-1.7976931348623157e+308"), (1.5e300, "1.5e+300"),
      (2.5e-7, "2.5e-07"), (123.456, "123.456"), (0.00012, "0.00012"), (1.5e-5, "1.5e-05"),
      (9_007_199_254_740_992, "9007199254740992.0"), (1e22, "1e+22"), (-2.5, "-2.5"),
    ]
    for (d, text) in cases { #expect(double(d) == text) }
  }

  @Test func integersPrintExactly() {
    #expect(JSON.int(0).pythonText == "0")
    #expect(JSON.int(-42).pythonText == "-42")
    #expect(JSON.int(Int.min).pythonText == "-9223372036854775808")
    #expect(JSON.int(Int.max).pythonText == "9223372036854775807")
    #expect(
      JSON.bigInt("-123456789012345678901234567890").pythonText == "-123456789012345678901234567890"
    )
  }

  @Test func stringsAreEscapedAsEnsureAsciiDoes() {
    let s = "q\"b\\s/n\nr\rt\tb\u{8}f\u{c}z\u{0}u\u{1f}d\u{7f}é中😀\u{10FFFF}"
    let expected =
      #""q\"b\\s/n\nr\rt\tb\bf\fz\u0000u\u001fd\u007f\u00e9\u4e2d\ud83d\ude00\udbff\udfff""#
    #expect(JSON.string(s).pythonText == expected)
    #expect(JSON.string("plain ascii").pythonText == #""plain ascii""#)
    #expect(JSON.string("").pythonText == #""""#)
  }

  @Test func containersUsePythonSeparators() {
    let v = JSON.object(
      JSONObject([
        .init("a", .array([.int(1), .null, .bool(true), .bool(false)])),
        .init("b", .object(JSONObject())),
        .init("c", .array([])),
      ]))
    #expect(v.pythonText == #"{"a": [1, null, true, false], "b": {}, "c": []}"#)
  }

  @Test func writingAppendsToExistingBytes() {
    var out = Array("x".utf8)
    JSONWriter.appendString("é", to: &out)
    JSONWriter.appendInt(-5, to: &out)
    JSONWriter.appendDouble(2, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == #"x"\u00e9"-52.0"#)
  }

  @Test func parsedValuesWriteBackInPythonFormat() {
    let text = #"{"b":1,"a":[1.50,2E3,-0,"\u00E9\/"],"c":{"x":null}}"#
    #expect(
      parsed(text)?.pythonText == #"{"b": 1, "a": [1.5, 2000.0, 0, "\u00e9/"], "c": {"x": null}}"#)
  }

  /// The word-at-a-time scan must see a character that needs escaping at any position, in
  /// strings of any length.
  @Test func escapesAreFoundAtEveryPositionOfShortAndLongStrings() {
    func reference(_ s: String) -> String {
      var r = "\""
      for u in s.unicodeScalars {
        switch u {
        case "\"": r += "\\\""
        case "\\": r += "\\\\"
        case "\n": r += "\\n"
        case " "..."~": r.unicodeScalars.append(u)
        default:
          for unit in String(u).utf16 {
            let hex = String(unit, radix: 16)
            r += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
          }
        }
      }
      return r + "\""
    }
    for length in 1...40 {
      for at in 0..<length {
        for special in ["\"", "\\", "\n", "\u{7f}", "\u{1f}", "é", "😀"] {
          let s =
            String(repeating: "a", count: at) + special
            + String(repeating: "b", count: length - at - 1)
          var out: [UInt8] = []
          JSONWriter.appendString(s, to: &out)
          #expect(String(decoding: out, as: UTF8.self) == reference(s))
          #expect(JSON.string(s).pythonText == reference(s))
        }
      }
      let plain = String(repeating: "x", count: length)
      #expect(JSON.array([.string(plain)]).pythonText == "[\"\(plain)\"]")
    }

    // Values larger than the writer's first buffer.
    let long = String(repeating: "é\"x", count: 2000)
    #expect(JSON.string(long).pythonText == reference(long))
    let items = (0..<300).map { JSON.string("é\n\($0)") }
    let expected = "[" + items.map { reference($0.stringValue!) }.joined(separator: ", ") + "]"
    #expect(JSON.array(items).pythonText == expected)
  }
}
