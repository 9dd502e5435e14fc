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
    if depth == maxDepth { throw .tooDeep(i) }
    depth += 1
    i += 1
    skipWhitespace()
    guard i < end else { throw .incomplete }
    if p[i] == UInt8(ascii: "]") {
      i += 1
      depth -= 1
      return
    }
    while true {
      try skipValue()
      guard try another(closing: UInt8(ascii: "]"), "expected ',' or ']' in array") else { break }
    }
    depth -= 1
  }

  mutating func skipObject() throws(ParseFailure) {
    if depth == maxDepth { throw .tooDeep(i) }
    depth += 1
    i += 1
    skipWhitespace()
    guard i < end else { throw .incomplete }
    if p[i] == UInt8(ascii: "}") {
      i += 1
      depth -= 1
      return
    }
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
    var k = start
    let base = p.baseAddress!
    while k &+ 8 <= end {
      let special = specialBytes(
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
      if special == 0 {
        k &+= 8
        continue
      }
      k &+= special.trailingZeroBitCount &>> 3
      if base.load(fromByteOffset: k, as: UInt8.self) == UInt8(ascii: "\"") {
        i = k + 1
        return false
      }
      i = k
      return try skipStringRest(from: start)
    }
    i = k
    return try skipStringRest(from: start)
  }

  /// Finishes a string from `i`, where the plain ASCII prefix that began at `start` ends.
  mutating func skipStringRest(from start: Int) throws(ParseFailure) -> Bool {
    var ascii = true
    var escaped = false
    while i < end {
      let b = p[i]
      if b == UInt8(ascii: "\"") {
        if !ascii { try validateUTF8(start, i) }
        i += 1
        return escaped
      }
      if b < 0x20 { throw .syntax(i, "unescaped control character in string") }
      if b == UInt8(ascii: "\\") {
        escaped = true
        try skipEscape()
        continue
      }
      if b >= 0x80 { ascii = false }
      i += 1
    }
    throw .incomplete
  }

  /// Checks the escape at `i` (a backslash) and moves past it.
  @inline(__always) mutating func skipEscape() throws(ParseFailure) {
    guard i + 1 < end else { throw .incomplete }
    switch p[i + 1] {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
      UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      i += 2
    case UInt8(ascii: "u"):
      _ = try unicodeEscape()
    default: throw .syntax(i + 1, "invalid escape")
    }
  }

  /// Checks a number as `parseAnyNumber` does, without making its value unless it has a fraction
  /// or an exponent that might overflow a double.
  @inline(__always) mutating func skipNumber() throws(ParseFailure) {
    // The common case: a short non-negative integer, followed by a byte that ends it.
    var k = i
    while k < end && p[k] &- UInt8(ascii: "0") < 10 { k += 1 }
    if k < end && k - i <= 18 && (p[i] != UInt8(ascii: "0") || k == i + 1)
      && !continuesNumber(p[k]) && k > i
    {
      i = k
      return
    }
    try skipAnyNumber()
  }

  /// Checks any number (`skipNumber` without its fast path).
  mutating func skipAnyNumber() throws(ParseFailure) {
    let start = i
    if p[i] == UInt8(ascii: "-") { i += 1 }
    try needDigit()
    if p[i] == UInt8(ascii: "0") { i += 1 } else { while isDigit(i) { i += 1 } }
    let intDigits = i - start
    var isDouble = false
    var exponentDigits = 0
    if i < end && p[i] == UInt8(ascii: ".") {
      isDouble = true
      i += 1
      try needDigit()
      while isDigit(i) { i += 1 }
    }
    if i < end && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
      isDouble = true
      i += 1
      if i < end && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
      try needDigit()
      let e = i
      while isDigit(i) { i += 1 }
      exponentDigits = i - e
    }
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

/// The keys seen so far in one object, for noticing one that may repeat.
struct KeyTracker {
  /// Where this object's keys begin in `ByteParser.keyStarts`.
  let base: Int
  /// One bit per key, from `keySignature`.
  var signatures: UInt64 = 0
  var count = 0
  var escaped = false
  var mayRepeat = false
  /// The signatures of the escaped keys among them.
  var escapedSignatures: UInt64 = 0
}

extension ByteParser {
  /// The most keys of one object compared byte by byte; an object with more keys and a signature
  /// match is taken as repeating, so the tree path (with its hash index) decides.
  static let keysCompared = 32

  /// Notes the key `lo..<hi`: a signature match is checked against the earlier keys.
  @inline(__always) mutating func noteKey(
    _ keys: inout KeyTracker, _ lo: Int, _ hi: Int, escaped: Bool
  ) {
    keys.count += 1
    // An escaped key's signature is that of its text, so equal keys match however spelled; a
    // match that involves one is taken as a repeat, unescaped keys are compared.
    let bit = escaped ? decodedSignature(lo, hi) : keySignature(lo, hi)
    if keys.signatures & bit != 0 && !keys.mayRepeat {
      keys.mayRepeat =
        escaped || keys.escapedSignatures & bit != 0 || keys.count > Self.keysCompared
        || isRepeated(lo, hi, since: keys.base)
    }
    keys.signatures |= bit
    if escaped {
      keys.escapedSignatures |= bit
    } else if keys.count <= Self.keysCompared {
      keyStarts.append(lo)
    }
  }

  /// `keySignature` of the text of the (valid) escaped key `lo..<hi`: its UTF-8 length, first
  /// and last bytes, escapes decoded.
  func decodedSignature(_ lo: Int, _ hi: Int) -> UInt64 {
    var n = 0
    var first: UInt8 = 0
    var last: UInt8 = 0
    var k = lo
    while k < hi {
      var lead = p[k]
      var tail = lead
      var width = 1
      if lead == UInt8(ascii: "\\") {
        let e = p[k + 1]
        k += 2
        switch e {
        case UInt8(ascii: "b"): lead = 0x08
        case UInt8(ascii: "f"): lead = 0x0C
        case UInt8(ascii: "n"): lead = 0x0A
        case UInt8(ascii: "r"): lead = 0x0D
        case UInt8(ascii: "t"): lead = 0x09
        case UInt8(ascii: "u"):
          var scalar = (try? hex4(k)) ?? 0
          k += 4
          if scalar >= 0xD800 && scalar <= 0xDBFF {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (((try? hex4(k + 2)) ?? 0xDC00) - 0xDC00)
            k += 6
          }
          // The scalar's UTF-8: its lead byte, its last byte and how many there are.
          tail = 0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F)
          if scalar < 0x80 {
            (lead, tail, width) = (UInt8(scalar), UInt8(scalar), 1)
          } else if scalar < 0x800 {
            (lead, width) = (0xC0 | UInt8(scalar >> 6), 2)
          } else if scalar < 0x10000 {
            (lead, width) = (0xE0 | UInt8(scalar >> 12), 3)
          } else {
            (lead, width) = (0xF0 | UInt8(scalar >> 18), 4)
          }
          if n == 0 { first = lead }
          last = tail
          n += width
          continue
        default: lead = e  // `"`, `\` or `/`
        }
        tail = lead
      } else {
        k += 1
      }
      if n == 0 { first = lead }
      last = tail
      n += width
    }
    return Self.signature(n, first, last)
  }

  /// Notes the key `lo..<hi` by its signature alone: a match is taken as a repeat (for the
  /// envelope and the body, whose keys are few and distinct, so no key is recorded).
  @inline(__always) mutating func noteKeyRoughly(
    _ keys: inout KeyTracker, _ lo: Int, _ hi: Int, escaped: Bool
  ) {
    keys.count += 1
    keys.escaped = keys.escaped || escaped
    let bit = keySignature(lo, hi)
    keys.mayRepeat =
      keys.mayRepeat || keys.signatures & bit != 0 || (keys.escaped && keys.count > 1)
    keys.signatures |= bit
  }

  /// Whether the unescaped key `lo..<hi` equals one of the keys recorded from `since` on.
  func isRepeated(_ lo: Int, _ hi: Int, since: Int) -> Bool {
    let n = hi - lo
    for k in since..<keyStarts.count {
      let s = keyStarts[k]
      // An earlier key has no escape, so it ends at the first quote after it.
      guard s + n < hi, p[s + n] == UInt8(ascii: "\"") else { continue }
      var same = true
      for m in 0..<n where p[s + m] != p[lo + m] {
        same = false
        break
      }
      if same { return true }
    }
    return false
  }

  /// Records an object's verdict in `repeats` and forgets its keys.
  @inline(__always) mutating func finishKeys(_ keys: KeyTracker) {
    if keys.mayRepeat {
      repeats |=
        depth == 1 ? RepeatDepth.envelope : depth == 2 ? RepeatDepth.body : RepeatDepth.nested
    }
    if keyStarts.count > keys.base { keyStarts.removeSubrange(keys.base...) }
  }
}
