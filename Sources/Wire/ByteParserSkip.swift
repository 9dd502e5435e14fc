/// Where a validated value may hold an object with a repeated key: bits of `ByteParser.repeats`,
/// by the depth of the object (the top-level object is at depth 1).
enum RepeatDepth {
  /// An object at depth 1: the envelope.
  static let envelope: UInt8 = 1
  /// An object at depth 2: the body, or another top-level field's value.
  static let body: UInt8 = 2
  /// An object at depth 3 or more: inside a body field's value.
  static let nested: UInt8 = 4
}

/// Validation without building values: the same grammar, UTF-8, surrogate, number-range and depth
/// checks as `parseValue`, so a value passes exactly when the tree parser accepts it. An object
/// whose keys may repeat (two equal unescaped keys, or an escaped key beside another) is noted
/// in `repeats`, so that writing it can take the tree path, which keeps Python's first position
/// and last value.
extension ByteParser {
  /// Checks one value starting at `i` (which must not be whitespace) and moves past it.
  mutating func skipValue() throws(ParseFailure) {
    guard i < end else { throw .incomplete }
    switch p[i] {
    case UInt8(ascii: "{"): try skipObject()
    case UInt8(ascii: "["): try skipArray()
    case UInt8(ascii: "\""): _ = try skipString()
    case UInt8(ascii: "t"): try literal(Literals.true)
    case UInt8(ascii: "f"): try literal(Literals.false)
    case UInt8(ascii: "n"): try literal(Literals.null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
    default: throw .syntax(i, "expected value")
    }
  }

  mutating func skipArray() throws(ParseFailure) {
    if try enter(closing: UInt8(ascii: "]")) { return }
    while true {
      try skipValue()
      guard try another(closing: UInt8(ascii: "]"), "expected ',' or ']' in array") else { break }
    }
    depth -= 1
  }

  mutating func skipObject() throws(ParseFailure) {
    if try enter(closing: UInt8(ascii: "}")) { return }
    var keys = KeyTracker(base: keyStarts.count)
    var keyEnd = 0
    while true {
      try skipKey(&keys, keyEnd: &keyEnd)
      try skipValue()
      guard try another(closing: UInt8(ascii: "}"), "expected ',' or '}' in object") else { break }
    }
    finishKeys(keys)
    depth -= 1
  }

  /// Checks a key and the `:` after it (and the whitespace around), noting whether it may repeat
  /// (`exact`: compared byte by byte on a signature match; otherwise a match is taken as a
  /// repeat). Returns whether the key had an escape.
  @inline(__always) @discardableResult
  mutating func skipKey(
    _ keys: inout KeyTracker, exact: Bool = true, keyEnd: inout Int
  ) throws(ParseFailure) -> Bool {
    guard i < end else { throw .incomplete }
    guard p[i] == UInt8(ascii: "\"") else { throw .syntax(i, "expected string key in object") }
    let keyStart = i + 1
    let escaped = try skipString()
    keyEnd = i - 1
    if exact {
      noteKey(&keys, keyStart, i - 1, escaped: escaped)
    } else {
      noteKeyRoughly(&keys, keyStart, i - 1, escaped: escaped)
    }
    skipWhitespace()
    guard i < end else { throw .incomplete }
    guard p[i] == UInt8(ascii: ":") else { throw .syntax(i, "expected ':' after object key") }
    i += 1
    skipWhitespace()
    return escaped
  }

  /// Checks a string starting at its opening quote and moves past it; returns whether it had an
  /// escape. Plain ASCII is scanned a word at a time.
  @inline(__always) mutating func skipString() throws(ParseFailure) -> Bool {
    let start = i + 1
    let (k, closed) = plainASCII(from: start)
    if closed {
      i = k + 1
      return false
    }
    i = k
    return try skipStringRest(from: start)
  }

  /// Finishes a string from `i`, where the plain ASCII prefix that began at `start` ends. The
  /// index lives in a local.
  mutating func skipStringRest(from start: Int) throws(ParseFailure) -> Bool {
    let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var ascii = true
    var escaped = false
    var k = i
    while k < end {
      let b = base[k]
      if b == UInt8(ascii: "\"") {
        if !ascii { try validateUTF8(start, k) }
        i = k &+ 1
        return escaped
      }
      if b == UInt8(ascii: "\\") {
        escaped = true
        k = try skipEscape(at: k)
      } else if b < 0x20 {
        throw .syntax(k, "unescaped control character in string")
      } else if b >= 0x80 {
        ascii = false  // checked as UTF-8 once the string ends
        k &+= 1
      } else {
        k &+= 1
      }
    }
    i = k
    throw .incomplete
  }

  /// Checks the escape at `k` (a backslash); returns the index after it.
  @inline(__always) func skipEscape(at k: Int) throws(ParseFailure) -> Int {
    guard k &+ 1 < end else { throw .incomplete }
    switch p[k &+ 1] {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
      UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return k &+ 2
    case UInt8(ascii: "u"):
      return try Self.skipUnicodeEscape(p, k, end)
    default: throw .syntax(k &+ 1, "invalid escape")
    }
  }

  /// Checks a number as `parseAnyNumber` does, without making its value unless it has a fraction
  /// or an exponent that might overflow a double.
  @inline(__always) mutating func skipNumber() throws(ParseFailure) {
    // The common case: a short non-negative integer, followed by a byte that ends it.
    let k = digitsEnd(i)
    if k < end && k - i <= 18 && (p[i] != UInt8(ascii: "0") || k == i + 1)
      && !continuesNumber(p[k]) && k > i
    {
      i = k
      return
    }
    try skipAnyNumber()
  }

  /// Checks any number (`skipNumber` without its fast path). The index lives in a local and
  /// runs of digits are found 16 bytes a step: the long numbers of mixed input cost about 250
  /// instructions each before.
  mutating func skipAnyNumber() throws(ParseFailure) {
    let start = i
    var k = i
    if p[k] == UInt8(ascii: "-") { k &+= 1 }
    try needDigit(at: k)
    k = p[k] == UInt8(ascii: "0") ? k &+ 1 : digitsEnd(k)
    let intDigits = k &- start
    var isDouble = false
    var exponentDigits = 0
    if k < end && p[k] == UInt8(ascii: ".") {
      isDouble = true
      try needDigit(at: k &+ 1)
      k = digitsEnd(k &+ 1)
    }
    if k < end && (p[k] == UInt8(ascii: "e") || p[k] == UInt8(ascii: "E")) {
      isDouble = true
      k &+= 1
      if k < end && (p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-")) { k &+= 1 }
      try needDigit(at: k)
      let e = k
      k = digitsEnd(k)
      exponentDigits = k &- e
    }
    i = k
    if i == end && !atEOF { throw .incomplete }
    if i < end && continuesNumber(p[i]) { throw .syntax(i, "invalid number") }
    // Up to 200 integer digits and a two-digit exponent stay far below 1.8e308; anything else is
    // converted, as the tree parser does.
    if isDouble && (intDigits > 200 || exponentDigits > 2) {
      guard let d = Double(text(start, i)), d.isFinite else {
        throw .syntax(start, "number out of range")
      }
    }
  }
}
