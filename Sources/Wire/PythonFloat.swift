extension JSONWriter {
  /// The most bytes `writeDouble` writes: a sign, 17 digits, a point, four zeros after it or an
  /// exponent (`-0.00012345678901234567`, `-1.2345678901234567e-308`).
  static let doubleRoom = 32

  /// Appends `d` as Python's `repr` prints it: the shortest digits that round-trip, in fixed
  /// notation when the decimal exponent is in -4..<16 (`1.0`, `0.0001`), otherwise in scientific
  /// notation with a signed exponent of at least two digits (`1e-05`, `1.5e+300`).
  public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: doubleRoom) { buffer in
      let n = writeDouble(d, to: buffer.baseAddress!)
      out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: n))
    }
  }

  /// Writes `d` as `appendDouble` does at `p`, which has room for `doubleRoom` bytes; returns
  /// the number of bytes written.
  static func writeDouble(_ d: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
    guard d.isFinite else {
      let text: StaticString = d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity"
      copy(text.utf8Start, p, text.utf8CodeUnitCount)
      return text.utf8CodeUnitCount
    }
    let sign = d.sign == .minus ? 1 : 0
    p[0] = UInt8(ascii: "-")
    if d == 0 {
      copy(StaticString("0.0").utf8Start, p + sign, 3)
      return sign + 3
    }
    // Swift's description has the shortest round-trip digits; only its layout differs. The
    // digits are gathered in place, over the text.
    var text = DoubleText()
    d.magnitude.write(to: &text)
    let length = text.count
    return withUnsafeMutableBytes(of: &text.bytes) { buffer in
      let digits = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
      var count = 0
      var point: Int? = nil  // digits before the '.' in the description
      var exponent = 0
      var exponentNegative = false
      var inExponent = false
      for k in 0..<length {
        let c = digits[k]
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
          if inExponent {
            exponent = exponent * 10 + Int(c - UInt8(ascii: "0"))
          } else {
            digits[count] = c
            count += 1
          }
        case UInt8(ascii: "."): point = count
        case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
        case UInt8(ascii: "-"): exponentNegative = true
        default: break
        }
      }
      // The value is 0.DIGITS × 10^decimalPoint once leading zeros are dropped.
      var decimalPoint = (point ?? count) + (exponentNegative ? -exponent : exponent)
      var first = 0
      while digits[first] == UInt8(ascii: "0") {
        first += 1
        decimalPoint -= 1
      }
      var last = count
      while digits[last - 1] == UInt8(ascii: "0") { last -= 1 }
      return sign
        + layOut(digits + first, last - first, decimalPoint: decimalPoint, to: p + sign)
    }
  }

  /// Writes the `n` significant digits at `digits` (none of them a leading or trailing zero),
  /// worth 0.DIGITS × 10^decimalPoint, as Python lays them out; returns the bytes written.
  static func layOut(
    _ digits: UnsafePointer<UInt8>, _ n: Int, decimalPoint: Int, to p: UnsafeMutablePointer<UInt8>
  ) -> Int {
    let sciExponent = decimalPoint - 1
    if sciExponent >= -4 && sciExponent < 16 {
      if decimalPoint <= 0 {
        // 0.000DIGITS
        let zeros = -decimalPoint
        p[0] = UInt8(ascii: "0")
        p[1] = UInt8(ascii: ".")
        for k in 0..<zeros { p[2 + k] = UInt8(ascii: "0") }
        copy(digits, p + 2 + zeros, n)
        return 2 + zeros + n
      }
      if decimalPoint < n {
        // DIG.ITS
        copy(digits, p, decimalPoint)
        p[decimalPoint] = UInt8(ascii: ".")
        copy(digits + decimalPoint, p + decimalPoint + 1, n - decimalPoint)
        return n + 1
      }
      // DIGITS000.0
      copy(digits, p, n)
      for k in n..<decimalPoint { p[k] = UInt8(ascii: "0") }
      p[decimalPoint] = UInt8(ascii: ".")
      p[decimalPoint + 1] = UInt8(ascii: "0")
      return decimalPoint + 2
    }
    // D.IGITSe+XX
    p[0] = digits[0]
    var k = 1
    if n > 1 {
      p[1] = UInt8(ascii: ".")
      copy(digits + 1, p + 2, n - 1)
      k = n + 1
    }
    p[k] = UInt8(ascii: "e")
    p[k + 1] = sciExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
    k += 2
    if abs(sciExponent) < 10 {
      p[k] = UInt8(ascii: "0")
      k += 1
    }
    return k + writeInt(abs(sciExponent), to: p + k)
  }
}

/// The text `Double.write(to:)` prints (its description), in 32 bytes on the stack: the standard
/// library hands it to `_writeASCII` with no String made (one longer than 15 bytes would be a
/// heap allocation). Text that comes through `write(_:)` instead is taken the same way.
struct DoubleText: TextOutputStream {
  var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  var count = 0

  mutating func write(_ string: String) {
    var string = string
    string.withUTF8 { _writeASCII($0) }
  }

  mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
    guard let from = buffer.baseAddress else { return }
    withUnsafeMutableBytes(of: &bytes) { bytes in
      precondition(count + buffer.count <= bytes.count, "a double's text fits in 32 bytes")
      (bytes.baseAddress! + count).copyMemory(from: from, byteCount: buffer.count)
    }
    count += buffer.count
  }
}

extension JSONWriter {
  /// The double nearest the JSON number `p[k..<e]` (not a zero) when its digits, as an integer,
  /// are at most 2^53 and its exponent past them is within ±22 (Clinger's fast path): both are
  /// then exact doubles, and the one product or quotient rounds once, to the nearest. Nil
  /// otherwise (then `Double(String)`, strtod, decides).
  static func nearestDouble(_ p: UnsafePointer<UInt8>, _ k: Int, _ e: Int) -> Double? {
    let negative = p[k] == UInt8(ascii: "-")
    var i = negative ? k + 1 : k
    // The integer part (JSON's has no leading zero, but 0 itself), then the fraction's digits,
    // its leading zeros dropped after a 0: more than 16 significant digits are past 2^53, and
    // are not read at all.
    let intStart = i
    while i < e && p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
    let intEnd = i
    var fraction = i..<i
    if i < e && p[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < e && p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
      fraction = start..<i
    }
    var significant = fraction
    var integer = intStart..<intEnd
    if p[intStart] == UInt8(ascii: "0") {
      integer = intEnd..<intEnd
      while significant.lowerBound < significant.upperBound
        && p[significant.lowerBound] == UInt8(ascii: "0")
      {
        significant = (significant.lowerBound + 1)..<significant.upperBound
      }
    }
    guard integer.count + significant.count <= 16 else { return nil }
    var w: UInt64 = 0
    for j in integer { w = w &* 10 &+ UInt64(p[j] &- UInt8(ascii: "0")) }
    for j in significant { w = w &* 10 &+ UInt64(p[j] &- UInt8(ascii: "0")) }
    var q = -fraction.count
    if i < e {
      // The exponent, after `e` or `E` and maybe a sign.
      i += 1
      let exponentNegative = p[i] == UInt8(ascii: "-")
      if exponentNegative || p[i] == UInt8(ascii: "+") { i += 1 }
      var x = 0
      while i < e {
        guard x < 1000 else { return nil }
        x = x * 10 + Int(p[i] &- UInt8(ascii: "0"))
        i += 1
      }
      q += exponentNegative ? -x : x
    }
    guard w != 0 && w <= 1 << 53 && q >= -22 && q <= 22 else { return nil }
    // 10^|q| by squaring: 10, 100, 10^4, 10^8 and 10^16 are exact, and so is their product.
    var power = 1.0
    var square = 10.0
    var n = abs(q)
    while n > 0 {
      if n & 1 == 1 { power *= square }
      square *= square
      n >>= 1
    }
    let d = q < 0 ? Double(w) / power : Double(w) * power
    return negative ? -d : d
  }
}
