import Policy

@testable import Wire

/// Writes a JSON value as other programs might: random whitespace, escapes where none are
/// needed (`\/`, `\u0041`, upper-case hex, surrogate pairs), raw UTF-8 and raw DEL, numbers
/// spelled otherwise (`1E5`, `1.50`, `-0`, `1e+016`) and repeated keys whose last value is the
/// real one. Python's `json.loads` reads the text back as the same value.
struct MessyJSON {
  var rng: SplitMix64
  /// Whether whitespace may include newlines (not for line-by-line readers).
  var newlines = true

  mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

  mutating func chance(_ n: Int) -> Bool { int(n) == 0 }

  mutating func text(_ v: JSON, randomJunk: inout RandomJSON) -> String {
    var out = ""
    write(v, to: &out, junk: &randomJunk)
    return out
  }

  mutating func space(_ out: inout String) {
    guard chance(3) else { return }
    out += [" ", "\t", "  ", "\r", "\n", "\r\n"][int(newlines ? 6 : 4)]
  }

  mutating func write(_ v: JSON, to out: inout String, junk: inout RandomJSON) {
    switch v {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += i == 0 && chance(3) ? "-0" : String(i)
    case .bigInt(let s): out += s
    case .double(let d): out += number(d)
    case .string(let s): string(s, to: &out)
    case .array(let items):
      out += "["
      space(&out)
      for (k, item) in items.enumerated() {
        if k > 0 {
          out += ","
          space(&out)
        }
        write(item, to: &out, junk: &junk)
        space(&out)
      }
      out += "]"
    case .object(let o):
      var fields: [JSONObject.Field] = []
      for f in o.fields {
        // A key seen before, given a value that a later occurrence replaces.
        if chance(4) { fields.append(.init(f.key, junk.value(depth: 3))) }
        fields.append(f)
        if chance(6) { fields.append(.init(f.key, f.value)) }
      }
      // A repeated key keeps its first position: move each first occurrence nowhere else.
      out += "{"
      space(&out)
      for (k, f) in fields.enumerated() {
        if k > 0 {
          out += ","
          space(&out)
        }
        string(f.key, to: &out)
        space(&out)
        out += ":"
        space(&out)
        write(f.value, to: &out, junk: &junk)
        space(&out)
      }
      out += "}"
    }
  }

  /// `d` spelled one of several ways that all read back as `d`.
  mutating func number(_ d: Double) -> String {
    var s = d.description  // shortest round-trip digits: "1e-05", "0.1", "1.0", "5e-324"
    if chance(2), let dot = s.firstIndex(of: ".") {
      let exponent = s.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? s.endIndex
      if exponent > dot { s.insert(contentsOf: String(repeating: "0", count: int(3)), at: exponent) }
    }
    if chance(2) { s = s.replacingOccurrences("e", "E") }
    if chance(2) { s = s.replacingOccurrences("+", "") }
    if chance(3), let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      let after = s.index(after: e)
      let at = s[after] == "-" || s[after] == "+" ? s.index(after: after) : after
      s.insert("0", at: at)
    }
    if !s.contains("e") && !s.contains("E") && s.hasSuffix(".0") && chance(3) {
      // 100.0 as 1E2, 0.0 as 0e0
      let digits = s.dropLast(2).drop(while: { $0 == "-" })
      let sign = s.hasPrefix("-") ? "-" : ""
      let trimmed = digits.reversed().drop(while: { $0 == "0" })
      if trimmed.isEmpty { return sign + "0e0" }
      let zeros = digits.count - trimmed.count
      return sign + String(trimmed.reversed()) + "E" + String(zeros)
    }
    return s
  }

  mutating func string(_ s: String, to out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      let v = u.value
      switch v {
      case 0x22: out += chance(4) ? "\\u0022" : "\\\""
      case 0x5C: out += chance(4) ? "\\u005C" : "\\\\"
      case 0x2F: out += chance(3) ? "\\/" : "/"
      case 0x0A: out += chance(3) ? "\\u000a" : "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0x08: out += "\\b"
      case 0x0C: out += "\\f"
      case 0..<0x20: out += hex(v)
      case 0x20..<0x7F: out += chance(12) ? hex(v) : String(u)
      case 0x7F: out += chance(2) ? "\u{7f}" : hex(v)
      case 0x10000...:
        if chance(2) {
          out += String(u)
        } else {
          let w = v - 0x10000
          out += hex(0xD800 + (w >> 10)) + hex(0xDC00 + (w & 0x3FF))
        }
      default: out += chance(2) ? String(u) : hex(v)
      }
    }
    out += "\""
  }

  mutating func hex(_ v: UInt32) -> String {
    let digits = String(v, radix: 16, uppercase: chance(2))
    return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
  }
}

extension String {
  func replacingOccurrences(_ a: Character, _ b: String) -> String {
    var r = ""
    for c in self { if c == a { r += b } else { r.append(c) } }
    return r
  }
}
