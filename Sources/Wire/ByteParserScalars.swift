extension ByteParser {
  /// A `String` from the bytes `lo..<hi` of `p`, which are known to be valid UTF-8.
  @inline(__always) func text(_ lo: Int, _ hi: Int) -> String {
    let start = p.baseAddress!.assumingMemoryBound(to: UInt8.self) + lo
    return String(decoding: UnsafeBufferPointer(start: start, count: hi - lo), as: UTF8.self)
  }

  /// Parses a string starting at its opening quote; the common case (no escapes) makes the
  /// `String` straight from the input bytes, scanning plain ASCII a word at a time.
  mutating func parseString() throws(ParseFailure) -> String {
    let start = i + 1
    let (k, closed) = plainASCII(from: start)
    if closed {
      i = k + 1
      lastStringEscaped = false
      return asciiText(start, k)
    }
    i = k
    return try parseStringRest(from: start)
  }

  /// Scans the plain ASCII run of a string's content from `start`, a word at a time, then byte by
  /// byte: where it stops (the first `"`, `\`, control or non-ASCII byte, or the end), and
  /// whether that byte is the closing quote.
  @inline(__always) func plainASCII(from start: Int) -> (stop: Int, closed: Bool) {
    var k = start
    let base = p.baseAddress!
    while k &+ 8 <= end {
      let special = Self.specialBytes(
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
      if special == 0 {
        k &+= 8
        continue
      }
      k &+= special.trailingZeroBitCount &>> 3
      return (k, base.load(fromByteOffset: k, as: UInt8.self) == UInt8(ascii: "\""))
    }
    while k < end {
      let b = base.load(fromByteOffset: k, as: UInt8.self)
      if b == UInt8(ascii: "\"") { return (k, true) }
      if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
      k &+= 1
    }
    return (k, false)
  }

  /// The high bits of the bytes of `w` that are `"`, `\`, below 0x20 or above 0x7F, and maybe
  /// of bytes after the first such byte: the lowest bit set marks the first one.
  @inline(__always) static func specialBytes(_ w: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    // A byte's high bit is set by subtracting only when the byte is below the subtrahend, or by a
    // borrow from a lower byte that is; bytes above 0x7F never borrow.
    let t = (w &- ones &* 0x20) | ((w ^ ones &* 0x22) &- ones) | ((w ^ ones &* 0x5C) &- ones)
    return (t | w) & high
  }

  /// A `String` of the ASCII bytes `lo..<hi`: a literal for the keys and types every message
  /// has, otherwise a new string.
  @inline(__always) func asciiText(_ lo: Int, _ hi: Int) -> String {
    if let known = KnownStrings.lookup(p.baseAddress! + lo, hi - lo) { return known }
    return text(lo, hi)
  }

  /// Finishes a string from `i`, where the plain ASCII prefix that began at `start` ends.
  mutating func parseStringRest(from start: Int) throws(ParseFailure) -> String {
    var ascii = true
    while i < end {
      let b = p[i]
      if b == UInt8(ascii: "\"") {
        if !ascii { try validateUTF8(start, i) }
        i += 1
        lastStringEscaped = false
        return text(start, i - 1)
      }
      if b == UInt8(ascii: "\\") {
        lastStringEscaped = true
        return try parseEscapedString(from: start, ascii: ascii)
      }
      if b < 0x20 { throw .syntax(i, "unescaped control character in string") }
      if b >= 0x80 { ascii = false }
      i += 1
    }
    throw .incomplete
  }

  /// Finishes a string that has escapes, copying it into `scratch`; `i` is at a backslash.
  mutating func parseEscapedString(from start: Int, ascii: Bool) throws(ParseFailure) -> String {
    var ascii = ascii
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<i]))
    while i < end {
      let b = p[i]
      if b == UInt8(ascii: "\"") {
        if !ascii { try validateUTF8(start, i) }
        i += 1
        return String(decoding: scratch, as: UTF8.self)
      }
      if b < 0x20 { throw .syntax(i, "unescaped control character in string") }
      if b != UInt8(ascii: "\\") {
        if b >= 0x80 { ascii = false }
        scratch.append(b)
        i += 1
        continue
      }
      guard i + 1 < end else { throw .incomplete }
      let e = p[i + 1]
      var c: UInt8
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): c = e
      case UInt8(ascii: "b"): c = 0x08
      case UInt8(ascii: "f"): c = 0x0C
      case UInt8(ascii: "n"): c = 0x0A
      case UInt8(ascii: "r"): c = 0x0D
      case UInt8(ascii: "t"): c = 0x09
      case UInt8(ascii: "u"):
        appendScalar(try unicodeEscape())
        continue
      default: throw .syntax(i + 1, "invalid escape")
      }
      scratch.append(c)
      i += 2
    }
    throw .incomplete
  }

  /// Reads `\uXXXX` at `i` (and its low half, for a high surrogate) and returns the scalar.
  mutating func unicodeEscape() throws(ParseFailure) -> Unicode.Scalar {
    let at = i
    let hi = try hex4(i + 2)
    i += 6
    if hi >= 0xDC00 && hi <= 0xDFFF { throw .syntax(at, "lone surrogate") }
    if hi < 0xD800 || hi > 0xDBFF { return Unicode.Scalar(hi)! }
    guard i < end else { throw .incomplete }
    guard p[i] == UInt8(ascii: "\\") && (i + 1 == end || p[i + 1] == UInt8(ascii: "u")) else {
      throw .syntax(at, "lone surrogate")
    }
    guard i + 1 < end else { throw .incomplete }
    let lo = try hex4(i + 2)
    guard lo >= 0xDC00 && lo <= 0xDFFF else { throw .syntax(at, "lone surrogate") }
    i += 6
    return Unicode.Scalar(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))!
  }

  /// The value of the four hex digits at `from`.
  @inline(__always) func hex4(_ from: Int) throws(ParseFailure) -> UInt32 {
    try Self.hex4(p, from, end)
  }

  /// The value of the four hex digits at `p[from]`, before `end`.
  @inline(__always) static func hex4(_ p: UnsafeRawBufferPointer, _ from: Int, _ end: Int)
    throws(ParseFailure) -> UInt32
  {
    if from &+ 4 <= end,
      let v = hexWord(
        UnsafeRawPointer(p.baseAddress! + from).loadUnaligned(as: UInt32.self).littleEndian)
    {
      return v
    }
    return try hex4Slowly(p, from, end)
  }

  /// Checks the `\uXXXX` escape at `p[k]` (and its low half, for a high surrogate) as
  /// `unicodeEscape` does, making no scalar; returns the index after it. (Static, its index in
  /// a local: skipping a string no longer goes through the parser's memory at each escape.)
  static func skipUnicodeEscape(_ p: UnsafeRawBufferPointer, _ k: Int, _ end: Int)
    throws(ParseFailure) -> Int
  {
    let hi = try hex4(p, k &+ 2, end)
    if hi & 0xFC00 == 0xDC00 { throw .syntax(k, "lone surrogate") }
    if hi & 0xFC00 != 0xD800 { return k &+ 6 }
    let j = k &+ 6
    guard j < end else { throw .incomplete }
    guard p[j] == UInt8(ascii: "\\") && (j + 1 == end || p[j + 1] == UInt8(ascii: "u")) else {
      throw .syntax(k, "lone surrogate")
    }
    guard j + 1 < end else { throw .incomplete }
    let lo = try hex4(p, j &+ 2, end)
    guard lo & 0xFC00 == 0xDC00 else { throw .syntax(k, "lone surrogate") }
    return j &+ 6
  }

  /// The value of the four hex digits in the bytes of `w` (the first lowest), or nil when one
  /// is none; a word at a time, without a branch (a call with one per byte cost about 60
  /// instructions).
  @inline(__always) static func hexWord(_ w: UInt32) -> UInt32? {
    let ones: UInt32 = 0x0101_0101
    let high: UInt32 = 0x8080_8080
    // For bytes below 0x80, adding 0x80 - c sets a byte's high bit when it is c or more, and
    // carries into no other byte.
    let lower = w | ones &* 0x20  // `A`-`F` as `a`-`f` (and no other byte as them)
    let digit = (w &+ ones &* (0x80 - 0x30)) & ~(w &+ ones &* (0x80 - 0x3A))
    let letter = (lower &+ ones &* (0x80 - 0x61)) & ~(lower &+ ones &* (0x80 - 0x67))
    guard w & high == 0, (digit | letter) & high == high else { return nil }
    // Each byte's value (a letter's low bits are 1-6, its bit 0x40 adds 9), then the four
    // nibbles packed, the first highest.
    let n = ((w & (ones &* 0x0F)) &+ (w &>> 6 & ones) &* 9).byteSwapped
    let t = n | n &>> 4
    return t & 0xFF | (t &>> 16 & 0xFF) &<< 8
  }

  /// `hex4` byte by byte over `p[..<end]`, which says where the problem is. (Static: a method
  /// called from a mutating one had the parser copied first.)
  static func hex4Slowly(_ p: UnsafeRawBufferPointer, _ from: Int, _ end: Int) throws(ParseFailure)
    -> UInt32
  {
    var v: UInt32 = 0
    for k in from..<from + 4 {
      guard k < end else { throw .incomplete }
      let b = p[k]
      let d: UInt8
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
      default: throw .syntax(k, "invalid \\u escape")
      }
      v = v << 4 | UInt32(d)
    }
    return v
  }

  /// The value of the hex digit `b`, or 16 when it is none.
  @inline(__always) static func hexValue(_ b: UInt8) -> UInt32 {
    let digit = UInt32(b &- UInt8(ascii: "0"))
    // `| 0x20` makes `A`-`F` into `a`-`f`, and nothing else into them.
    let letter = UInt32((b | 0x20) &- UInt8(ascii: "a"))
    return digit < 10 ? digit : letter < 6 ? letter &+ 10 : 16
  }

  mutating func appendScalar(_ s: Unicode.Scalar) {
    for u in UTF8.encode(s)! { scratch.append(u) }
  }

  /// Checks strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF) in `lo..<hi`.
  func validateUTF8(_ lo: Int, _ hi: Int) throws(ParseFailure) {
    var k = lo
    while k < hi {
      let b = p[k]
      if b < 0x80 {
        k += 1
        continue
      }
      var need = 0
      var min: UInt8 = 0x80
      var max: UInt8 = 0xBF
      switch b {
      case 0xC2...0xDF: need = 1
      case 0xE0: (need, min) = (2, 0xA0)
      case 0xE1...0xEC, 0xEE...0xEF: need = 2
      case 0xED: (need, max) = (2, 0x9F)
      case 0xF0: (need, min) = (3, 0x90)
      case 0xF1...0xF3: need = 3
      case 0xF4: (need, max) = (3, 0x8F)
      default: throw .syntax(k, "invalid UTF-8 in string")
      }
      for n in 1...need {
        guard k + n < hi else { throw .syntax(k, "invalid UTF-8 in string") }
        let c = p[k + n]
        let ok = n == 1 ? (c >= min && c <= max) : (c >= 0x80 && c <= 0xBF)
        guard ok else { throw .syntax(k + n, "invalid UTF-8 in string") }
      }
      k += need + 1
    }
  }

  @inline(__always) func isDigit(_ k: Int) -> Bool {
    k < end && p[k] >= UInt8(ascii: "0") && p[k] <= UInt8(ascii: "9")
  }

  /// Requires a digit at `i` (after `-`, `.`, `e` or its sign).
  func needDigit() throws(ParseFailure) {
    try needDigit(at: i)
  }

  /// Requires a digit at `k`.
  @inline(__always) func needDigit(at k: Int) throws(ParseFailure) {
    guard k < end else { throw .incomplete }
    guard p[k] &- UInt8(ascii: "0") < 10 else { throw .syntax(k, "invalid number") }
  }

  /// The first index at or after `k` that is not an ASCII digit (or `end`), 16 bytes a step
  /// while the buffer allows.
  @inline(__always) func digitsEnd(_ k: Int) -> Int {
    let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var k = k
    while k &+ 16 <= p.count {
      let j = Bytes16.firstNonDigit(base + k)
      if j < 16 { return min(k &+ j, end) }
      k &+= 16
      if k >= end { return end }
    }
    while k < end && base[k] &- UInt8(ascii: "0") < 10 { k &+= 1 }
    return k
  }

  /// Parses a number: `.int` if it is an integer that fits, `.bigInt` if it does not, `.double`
  /// if it has a fraction or an exponent.
  mutating func parseNumber() throws(ParseFailure) -> JSON {
    if let v = smallInt() { return .int(v) }
    return try parseAnyNumber()
  }

  /// A non-negative integer of at most 18 digits, followed by a byte that ends it, or nil
  /// (leaving `i` alone) for anything else.
  @inline(__always) mutating func smallInt() -> Int? {
    var k = i
    var v = 0
    let first = p[k]
    guard first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") else {
      guard first == UInt8(ascii: "0") else { return nil }
      k += 1
      guard k < end, !continuesNumber(p[k]) else { return nil }
      i = k
      return 0
    }
    while k < end {
      let d = p[k] &- UInt8(ascii: "0")
      guard d < 10 else { break }
      v = v &* 10 &+ Int(d)
      k += 1
    }
    guard k < end, k - i <= 18, !continuesNumber(p[k]) else { return nil }
    i = k
    return v
  }

  /// Parses any number (`parseNumber` without its fast path).
  mutating func parseAnyNumber() throws(ParseFailure) -> JSON {
    let start = i
    let negative = p[i] == UInt8(ascii: "-")
    if negative { i += 1 }
    try needDigit()
    if p[i] == UInt8(ascii: "0") { i += 1 } else { while isDigit(i) { i += 1 } }
    let intEnd = i
    var isDouble = false
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
      while isDigit(i) { i += 1 }
    }
    if i == end && !atEOF { throw .incomplete }
    if i < end && continuesNumber(p[i]) { throw .syntax(i, "invalid number") }
    if isDouble {
      guard let d = Double(text(start, i)), d.isFinite else {
        throw .syntax(start, "number out of range")
      }
      return .double(d)
    }
    let digitsStart = negative ? start + 1 : start
    var v = 0
    if intEnd - digitsStart <= 18 {
      for k in digitsStart..<intEnd { v = v &* 10 &+ Int(p[k] &- UInt8(ascii: "0")) }
      return .int(negative ? -v : v)
    }
    for k in digitsStart..<intEnd {
      let d = Int(p[k] &- UInt8(ascii: "0"))
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
      if o1 || o2 { return .bigInt(text(start, intEnd)) }
      v = s
    }
    return .int(v)
  }
}

/// Whether a byte right after a complete number makes it malformed (`01`, `1.5.`, `1e5e`, `1-`).
@inline(__always) func continuesNumber(_ b: UInt8) -> Bool {
  (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".")
    || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+")
    || b == UInt8(ascii: "-")
}

/// The keys and body types that Maelstrom messages repeat, returned as literals so that parsing
/// them builds no string.
enum KnownStrings {
  /// The literal whose UTF-8 is the `n` bytes at `p`, if it is one of these.
  @inline(__always) static func lookup(_ p: UnsafeRawPointer, _ n: Int) -> String? {
    switch n {
    case 2:
      if same(p, "id") { return "id" }
    case 3:
      if same(p, "src") { return "src" }
    case 4:
      if same(p, "type") { return "type" }
      if same(p, "dest") { return "dest" }
      if same(p, "body") { return "body" }
      if same(p, "echo") { return "echo" }
      if same(p, "code") { return "code" }
      if same(p, "text") { return "text" }
      if same(p, "init") { return "init" }
    case 5:
      if same(p, "error") { return "error" }
    case 6:
      if same(p, "msg_id") { return "msg_id" }
    case 7:
      if same(p, "echo_ok") { return "echo_ok" }
      if same(p, "node_id") { return "node_id" }
      if same(p, "init_ok") { return "init_ok" }
    case 8:
      if same(p, "node_ids") { return "node_ids" }
    case 11:
      if same(p, "in_reply_to") { return "in_reply_to" }
    default:
      break
    }
    return nil
  }

  /// Whether the bytes at `p` are those of `word` (as many as it has), compared as two
  /// overlapping loads.
  @inline(__always) static func same(_ p: UnsafeRawPointer, _ word: StaticString) -> Bool {
    let n = word.utf8CodeUnitCount
    let q = UnsafeRawPointer(word.utf8Start)
    if n >= 8 {
      return p.loadUnaligned(as: UInt64.self) == q.loadUnaligned(as: UInt64.self)
        && p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
          == q.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
      return p.loadUnaligned(as: UInt32.self) == q.loadUnaligned(as: UInt32.self)
        && p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
          == q.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    return p.loadUnaligned(as: UInt16.self) == q.loadUnaligned(as: UInt16.self)
      && p.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
        == q.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
  }
}
