/// Writes JSON exactly as Python's `json.dumps` does with its default arguments: separators
/// `", "` and `": "`, every non-ASCII character escaped, floats as `repr` prints them.
public enum JSONWriter {
  /// Appends `value` in `json.dumps` format.
  public static func append(_ value: JSON, to out: inout [UInt8]) {
    switch value {
    case .null: appendStatic("null", to: &out)
    case .bool(let b): appendStatic(b ? "true" : "false", to: &out)
    case .int(let i): appendInt(i, to: &out)
    case .bigInt(let text): out.append(contentsOf: text.utf8)
    case .double(let d): appendDouble(d, to: &out)
    case .string(let s): appendString(s, to: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (k, item) in items.enumerated() {
        if k > 0 { appendStatic(", ", to: &out) }
        append(item, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      for (k, field) in object.fields.enumerated() {
        if k > 0 { appendStatic(", ", to: &out) }
        appendString(field.key, to: &out)
        appendStatic(": ", to: &out)
        append(field.value, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  @inline(__always) static func appendStatic(_ s: StaticString, to out: inout [UInt8]) {
    appendBytes(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), to: &out)
  }

  /// Appends bytes; short runs byte by byte, which costs less than `append(contentsOf:)`'s setup.
  @inline(__always) static func appendBytes(_ u: UnsafeBufferPointer<UInt8>, to out: inout [UInt8])
  {
    if u.count <= 16 {
      for b in u { out.append(b) }
    } else {
      out.append(contentsOf: u)
    }
  }

  /// Appends `s` quoted, with `"`, `\` and control characters escaped and every scalar outside
  /// ASCII's printable range (DEL too, as Python does) written as `\uXXXX` (a surrogate pair
  /// above U+FFFF).
  public static func appendString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { u in
      var runStart = 0
      var k = 0
      while k < u.count {
        let b = u[k]
        if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
          k += 1
          continue
        }
        if runStart < k { appendBytes(UnsafeBufferPointer(rebasing: u[runStart..<k]), to: &out) }
        k = escape(u, at: k, to: &out)
        runStart = k
      }
      if runStart < k { appendBytes(UnsafeBufferPointer(rebasing: u[runStart..<k]), to: &out) }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Writes the escape for the character at `u[k]` and returns the index after it.
  static func escape(_ u: UnsafeBufferPointer<UInt8>, at k: Int, to out: inout [UInt8]) -> Int {
    let b = u[k]
    switch b {
    case UInt8(ascii: "\""): appendStatic("\\\"", to: &out)
    case UInt8(ascii: "\\"): appendStatic("\\\\", to: &out)
    case 0x0A: appendStatic("\\n", to: &out)
    case 0x0D: appendStatic("\\r", to: &out)
    case 0x09: appendStatic("\\t", to: &out)
    case 0x08: appendStatic("\\b", to: &out)
    case 0x0C: appendStatic("\\f", to: &out)
    case 0..<0x20, 0x7F: appendUnit(UInt32(b), to: &out)
    default:
      // A valid UTF-8 sequence, since it comes from a String.
      var scalar: UInt32
      var n: Int
      if b < 0xE0 {
        (scalar, n) = (UInt32(b & 0x1F), 2)
      } else if b < 0xF0 {
        (scalar, n) = (UInt32(b & 0x0F), 3)
      } else {
        (scalar, n) = (UInt32(b & 0x07), 4)
      }
      for m in 1..<n { scalar = scalar << 6 | UInt32(u[k + m] & 0x3F) }
      if scalar >= 0x10000 {
        let v = scalar - 0x10000
        appendUnit(0xD800 + (v >> 10), to: &out)
        appendUnit(0xDC00 + (v & 0x3FF), to: &out)
      } else {
        appendUnit(scalar, to: &out)
      }
      return k + n
    }
    return k + 1
  }

  /// Appends `\uXXXX` with lowercase hex digits.
  static func appendUnit(_ unit: UInt32, to out: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    let h = hex.utf8Start
    out.append(UInt8(ascii: "\\"))
    out.append(UInt8(ascii: "u"))
    out.append(h[Int(unit >> 12 & 15)])
    out.append(h[Int(unit >> 8 & 15)])
    out.append(h[Int(unit >> 4 & 15)])
    out.append(h[Int(unit & 15)])
  }

  /// Appends the decimal digits of `i`.
  public static func appendInt(_ i: Int, to out: inout [UInt8]) {
    if i < 0 { out.append(UInt8(ascii: "-")) }
    var v = i.magnitude
    let start = out.count
    repeat {
      out.append(UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0"))
      v /= 10
    } while v > 0
    out[start...].reverse()
  }
}
