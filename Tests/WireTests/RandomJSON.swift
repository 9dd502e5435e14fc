import Policy

@testable import Wire

/// Random JSON values for the differential test, from a seeded generator.
struct RandomJSON {
  var rng: SplitMix64

  mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

  mutating func value(depth: Int = 0) -> JSON {
    let kinds = depth >= 4 ? 6 : 8
    switch int(kinds) {
    case 0: return int(2) == 0 ? .null : .bool(int(2) == 0)
    case 1, 2: return integer()
    case 3: return .double(double())
    case 4, 5: return .string(string())
    case 6: return .array((0..<int(5)).map { _ in value(depth: depth + 1) })
    default:
      var seen = Set<String>()
      var fields: [JSONObject.Field] = []
      for _ in 0..<int(6) {
        let key = string()
        if seen.insert(key).inserted { fields.append(.init(key, value(depth: depth + 1))) }
      }
      return .object(JSONObject(fields))
    }
  }

  mutating func integer() -> JSON {
    let edges: [Int] = [0, 1, -1, Int.max, Int.min, Int.max - 1, Int.min + 1, 1 << 53, -(1 << 53)]
    let bigs = [
      "9223372036854775808", "-9223372036854775809", "18446744073709551615",
      "18446744073709551616", "-18446744073709551616", "100000000000000000000000000000",
    ]
    switch int(5) {
    case 0: return .int(edges[int(edges.count)])
    case 1: return .bigInt(bigs[int(bigs.count)])
    case 2:
      var digits = String(int(9) + 1)
      for _ in 0..<(19 + int(60)) { digits += String(int(10)) }
      return .bigInt(int(2) == 0 ? digits : "-" + digits)
    case 3: return .int(Int(truncatingIfNeeded: rng.next()))
    default: return .int(int(2001) - 1000)
    }
  }

  mutating func double() -> Double {
    let special: [Double] = [
      1e-05, 1e16, 1e15, 9999999999999998.0, 123456789012345680.0, 0.1, -0.0, 0.0,
      .leastNonzeroMagnitude,
      1.7976931348623157e308, -1.7976931348623157e308, 1e-4, 0.00010000000000000002, 1e22,
      9_007_199_254_740_992, 1.5, 2.2250738585072014e-308, 1e21, 1e-7, 12345.678,
    ]
    switch int(4) {
    case 0: return special[int(special.count)]
    case 1:
      while true {
        let d = Double(bitPattern: rng.next())
        if d.isFinite { return d }
      }
    case 2: return Double(int(2_000_001) - 1_000_000) / Double([1, 10, 100, 1000][int(4)])
    default:
      let m = Double(int(1 << 20)) / 1024
      return m * Double(sign: .plus, exponent: int(80) - 40, significand: 1)
    }
  }

  mutating func string() -> String {
    let pieces: [String] = [
      "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1f}",
      "\u{7f}", "é", "ß", "中", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "\u{E000}", "😀", "\u{10000}",
      "\u{10FFFF}", "e\u{301}", "key", "msg_id",
    ]
    var s = ""
    for _ in 0..<int(8) {
      if int(6) == 0 {
        s.unicodeScalars.append(randomScalar())
      } else {
        s += pieces[int(pieces.count)]
      }
    }
    return s
  }

  mutating func randomScalar() -> Unicode.Scalar {
    while true {
      let limit: UInt32 = [0x80, 0x800, 0x10000, 0x110000][int(4)]
      if let s = Unicode.Scalar(UInt32(rng.next() % UInt64(limit))) { return s }
    }
  }
}
