extension JSONWriter {
  /// Appends `d` as Python's `repr` prints it: the shortest digits that round-trip, in fixed
  /// notation when the decimal exponent is in -4..<16 (`1.0`, `0.0001`), otherwise in scientific
  /// notation with a signed exponent of at least two digits (`1e-05`, `1.5e+300`).
  public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
    guard d.isFinite else {
      appendStatic(d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity", to: &out)
      return
    }
    if d.sign == .minus { out.append(UInt8(ascii: "-")) }
    if d == 0 {
      appendStatic("0.0", to: &out)
      return
    }
    // Swift's description has the shortest round-trip digits; only its layout differs.
    var digits: [UInt8] = []
    digits.reserveCapacity(17)
    var point: Int? = nil  // digits before the '.' in the description
    var exponent = 0
    var exponentNegative = false
    var inExponent = false
    for c in d.magnitude.description.utf8 {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        if inExponent {
          exponent = exponent * 10 + Int(c - UInt8(ascii: "0"))
        } else {
          digits.append(c)
        }
      case UInt8(ascii: "."): point = digits.count
      case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
      case UInt8(ascii: "-"): exponentNegative = true
      default: break
      }
    }
    // The value is 0.DIGITS × 10^decimalPoint once leading zeros are dropped.
    var decimalPoint = (point ?? digits.count) + (exponentNegative ? -exponent : exponent)
    var first = 0
    while digits[first] == UInt8(ascii: "0") {
      first += 1
      decimalPoint -= 1
    }
    var last = digits.count
    while digits[last - 1] == UInt8(ascii: "0") { last -= 1 }
    let significant = digits[first..<last]
    layOut(significant, decimalPoint: decimalPoint, to: &out)
  }

  static func layOut(_ digits: ArraySlice<UInt8>, decimalPoint: Int, to out: inout [UInt8]) {
    let n = digits.count
    let sciExponent = decimalPoint - 1
    if sciExponent >= -4 && sciExponent < 16 {
      if decimalPoint <= 0 {
        appendStatic("0.", to: &out)
        for _ in 0 ..< -decimalPoint { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: digits)
      } else if decimalPoint < n {
        out.append(contentsOf: digits.prefix(decimalPoint))
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits.dropFirst(decimalPoint))
      } else {
        out.append(contentsOf: digits)
        for _ in 0..<(decimalPoint - n) { out.append(UInt8(ascii: "0")) }
        appendStatic(".0", to: &out)
      }
      return
    }
    out.append(digits.first!)
    if n > 1 {
      out.append(UInt8(ascii: "."))
      out.append(contentsOf: digits.dropFirst())
    }
    out.append(UInt8(ascii: "e"))
    out.append(sciExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
    if abs(sciExponent) < 10 { out.append(UInt8(ascii: "0")) }
    appendInt(abs(sciExponent), to: &out)
  }
}
