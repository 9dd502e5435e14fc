/// Writing a validated value's input bytes straight into Python's `json.dumps` format, with no
/// tree: whitespace dropped, Python's separators, strings re-escaped as `ensure_ascii` does,
/// numbers as Python prints them after `json.loads`. An object that may repeat a key goes
/// through the tree instead, which keeps Python's first position and last value.
extension RawOutput {
  /// Writes `v` in Python's format; a short integer (a msg_id) or a string with nothing to
  /// escape as it is, with no call.
  @inline(__always) mutating func raw(_ v: RawJSON) {
    let p = v.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let n = v.bytes.count
    if n <= 8 && p[0] &- UInt8(ascii: "0") < 10 && isDigits(p, n) {
      ensure(8)
      put(p, n)
      return
    }
    if p[0] == UInt8(ascii: "\"") && plainRun(p, 1, n) == n &- 2 {
      // A string with nothing to escape (an echo's text) is written as it came.
      ensure(n)
      put(p, n)
      return
    }
    transcodeValue(v)
  }

  /// Writes `v` in Python's format.
  mutating func transcodeValue(_ v: RawJSON) {
    if v.mayRepeatKeys {
      value(v.parsed())
      return
    }
    let p = v.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = transcode(p, 0, v.bytes.count)
    precondition(end == v.bytes.count, "a raw value ends where it was found to end")
  }

  /// Whether the `n` bytes at `p` (1 to 8) are all ASCII digits; a word at a time, a tail shorter
  /// than 4 bytes padded with digits.
  @inline(__always) func isDigits(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let raw = UnsafeRawPointer(p)
    var w: UInt64 = 0x3030_3030_3030_3030
    if n >= 4 {
      let lo = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
      let hi = UInt64(
        UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)))
      w = lo | hi &<< 32
    } else {
      for k in 0..<n { w = w &<< 8 | UInt64(p[k]) }
    }
    return nonDigits(w) == 0
  }

  /// Flags (non-zero bytes) the bytes of `w` that are not ASCII digits, and maybe bytes after
  /// the first such byte (through a carry).
  @inline(__always) func nonDigits(_ w: UInt64) -> UInt64 {
    let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
    let zeros: UInt64 = 0x3030_3030_3030_3030
    // A digit is 0x30...0x39: its high half is 3, and still 3 once 6 is added.
    return ((w & high) ^ zeros) | (((w &+ 0x0606_0606_0606_0606) & high) ^ zeros)
  }

  /// Writes the value at `p[k]` and returns the index just after it; `end` is where the
  /// outermost value ends, so reading stops there.
  mutating func transcode(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    switch p[k] {
    case UInt8(ascii: "\""): return transcodeString(p, k, end)
    case UInt8(ascii: "{"): return transcodeContainer(p, k, end, closing: UInt8(ascii: "}"))
    case UInt8(ascii: "["): return transcodeContainer(p, k, end, closing: UInt8(ascii: "]"))
    case UInt8(ascii: "t"), UInt8(ascii: "n"):
      ensure(4)
      put(p + k, 4)
      return k + 4
    case UInt8(ascii: "f"):
      ensure(5)
      put(p + k, 5)
      return k + 5
    default: return transcodeNumber(p, k, end)
    }
  }

  @inline(__always) func skipWhitespace(_ p: UnsafePointer<UInt8>, _ k: Int) -> Int {
    var k = k
    while true {
      let b = p[k]
      guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return k }
      k += 1
    }
  }

  /// Writes an array or an object: elements (or key and value) separated as Python does.
  mutating func transcodeContainer(
    _ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int, closing: UInt8
  ) -> Int {
    ensure(1)
    put(p[k])
    var k = skipWhitespace(p, k + 1)
    let isObject = closing == UInt8(ascii: "}")
    if p[k] != closing {
      while true {
        k = transcode(p, k, end)
        if isObject {
          // The key, then its ':' and the value.
          k = skipWhitespace(p, skipWhitespace(p, k) + 1)
          ensure(2)
          put(": ")
          k = transcode(p, k, end)
        }
        k = skipWhitespace(p, k)
        guard p[k] == UInt8(ascii: ",") else { break }
        ensure(2)
        put(", ")
        k = skipWhitespace(p, k + 1)
      }
    }
    ensure(1)
    put(closing)
    return k + 1
  }

  /// Writes an integer as it is (but `-0` as `0`), a number with a fraction or an exponent as
  /// Python's `repr` of its double; a zero one (`0.0`, `-0e5`) without the round trip.
  mutating func transcodeNumber(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    let negative = p[k] == UInt8(ascii: "-")
    let first = negative ? k &+ 1 : k
    // JSON has no leading zeros: an integer part that starts with 0 is 0.
    var isZero = p[first] == UInt8(ascii: "0")
    var e = first &+ digitRun(p, first, end)
    if e == end || p[e] != UInt8(ascii: ".") && p[e] | 0x20 != UInt8(ascii: "e") {
      if negative && isZero {
        ensure(1)
        put(UInt8(ascii: "0"))
      } else {
        ensure(e &- k)
        put(p + k, e &- k)
      }
      return e
    }
    if p[e] == UInt8(ascii: ".") {
      let digits = digitRun(p, e &+ 1, end)
      var z = e &+ 1
      while isZero && z < e &+ 1 &+ digits {
        isZero = p[z] == UInt8(ascii: "0")
        z &+= 1
      }
      e &+= 1 &+ digits
    }
    if e < end && p[e] | 0x20 == UInt8(ascii: "e") {
      e &+= 1
      if p[e] == UInt8(ascii: "+") || p[e] == UInt8(ascii: "-") { e &+= 1 }
      e &+= digitRun(p, e, end)
    }
    if isZero {
      ensure(4)
      put(negative ? "-0.0" : "0.0")
      return e
    }
    let d =
      JSONWriter.nearestDouble(p, k, e)
      ?? Double(String(decoding: UnsafeBufferPointer(start: p + k, count: e - k), as: UTF8.self))!
    ensure(JSONWriter.doubleRoom)
    count &+= JSONWriter.writeDouble(d, to: base + count)
    return e
  }

  /// The number of ASCII digits from `p[k]` on, before `end`; a word at a time.
  @inline(__always) func digitRun(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    let raw = UnsafeRawPointer(p)
    var n = 0
    while k &+ n &+ 8 <= end {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k &+ n, as: UInt64.self))
      let others = nonDigits(w)
      if others != 0 { return n &+ others.trailingZeroBitCount &>> 3 }
      n &+= 8
    }
    if end >= 8 && k &+ n < end {
      // The word that ends at `end`, shifted past the bytes before `k + n` (1 to 7 of them):
      // the zeros shifted in are no digits.
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self))
      let others = nonDigits(w &>> (8 &* UInt64(k &+ n &- (end &- 8))))
      return n &+ others.trailingZeroBitCount &>> 3
    }
    while k &+ n < end && p[k &+ n] &- UInt8(ascii: "0") < 10 { n &+= 1 }
    return n
  }

  /// Writes a string re-escaped as Python does: printable ASCII in runs, every escape decoded
  /// and written again, non-ASCII as `\uXXXX` (a surrogate pair above U+FFFF).
  mutating func transcodeString(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    ensure(1)
    put(UInt8(ascii: "\""))
    var k = k + 1
    while true {
      let run = plainRun(p, k, end)
      ensure(run + 12)  // the run, and one escape of up to 12 bytes
      put(p + k, run)
      k += run
      let b = p[k]
      switch b {
      case UInt8(ascii: "\""):
        put(UInt8(ascii: "\""))
        return k + 1
      case UInt8(ascii: "\\"):
        k = reescape(p, k)
      case 0x7F:
        unit(0x7F)
        k += 1
      default:
        k = escape(p, at: k)
      }
    }
  }

  /// The number of bytes from `p[k]` on that Python writes as they are: printable ASCII but `"`
  /// and `\`. Read a word at a time before `end`; a valid string ends with a quote, so this
  /// stops.
  @inline(__always) func plainRun(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    let raw = UnsafeRawPointer(p)
    var n = 0
    while k &+ n &+ 8 <= end {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k &+ n, as: UInt64.self))
      let special = escapeBytes(w)
      if special != 0 { return n &+ special.trailingZeroBitCount &>> 3 }
      n &+= 8
    }
    // Fewer than 8 bytes are left: the first alone (escapes often come in a row), then, when
    // there are 8 bytes before `end`, the word that ends there, shifted past the bytes before
    // `k + n` (2 to 7 of them). The quote that ends the string is among the rest, so the first
    // byte flagged is a real one: a borrow only flags bytes after a special one.
    while true {
      let b = p[k &+ n]
      if b < 0x20 || b >= 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return n }
      n &+= 1
      if end >= 8 {
        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self))
        let special = escapeBytes(w &>> (8 &* UInt64(k &+ n &- (end &- 8))))
        return n &+ special.trailingZeroBitCount &>> 3
      }
    }
  }

  /// The high bits of the bytes of `w` that Python escapes (`"`, `\`, below 0x20, 0x7F and
  /// above), and maybe of bytes after the first such byte.
  @inline(__always) func escapeBytes(_ w: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    // 0x7F plus one has its high bit set, as has every byte above it (the carry out of 0xFF
    // only flags the byte after it).
    let t =
      (w &- ones &* 0x20) | ((w ^ ones &* 0x22) &- ones) | ((w ^ ones &* 0x5C) &- ones)
      | (w &+ ones)
    return (t | w) & high
  }

  /// Writes the escape at `p[k]` (a backslash) as Python writes the character it stands for;
  /// returns the index after it.
  mutating func reescape(_ p: UnsafePointer<UInt8>, _ k: Int) -> Int {
    let e = p[k + 1]
    switch e {
    case UInt8(ascii: "u"): break
    case UInt8(ascii: "/"):
      put(UInt8(ascii: "/"))
      return k + 2
    default:
      // `\"`, `\\`, `\b`, `\f`, `\n`, `\r` and `\t` are written as they came.
      put(p + k, 2)
      return k + 2
    }
    let u = hex4(p + k + 2)
    if u >= 0xD800 && u <= 0xDBFF {
      // A high surrogate is followed by its low half (validation checked it).
      unitAsItCame(p + k)
      unitAsItCame(p + k + 6)
      return k + 12
    }
    switch u {
    case 0x22: put("\\\"")
    case 0x5C: put("\\\\")
    case 0x0A: put("\\n")
    case 0x0D: put("\\r")
    case 0x09: put("\\t")
    case 0x08: put("\\b")
    case 0x0C: put("\\f")
    case 0x20..<0x7F: put(UInt8(truncatingIfNeeded: u))
    default: unitAsItCame(p + k)
    }
    return k + 6
  }

  /// Writes the `\uXXXX` at `p` as `unit` would write its value: as it came, its hex digits in
  /// lower case (`| 0x20` lowers a letter and leaves a digit as it is).
  @inline(__always) mutating func unitAsItCame(_ p: UnsafePointer<UInt8>) {
    let hex = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: 2, as: UInt32.self) | 0x2020_2020
    let out = UnsafeMutableRawPointer(base + count)
    out.storeBytes(of: UInt8(ascii: "\\"), as: UInt8.self)
    out.storeBytes(of: UInt8(ascii: "u"), toByteOffset: 1, as: UInt8.self)
    out.storeBytes(of: hex, toByteOffset: 2, as: UInt32.self)
    count &+= 6
  }

  /// The value of the four hex digits at `p` (validated).
  @inline(__always) func hex4(_ p: UnsafePointer<UInt8>) -> UInt32 {
    var v: UInt32 = 0
    for m in 0..<4 {
      let b = UInt32(p[m])
      let d = b <= 0x39 ? b &- 0x30 : (b | 0x20) &- 0x57
      v = v << 4 | d
    }
    return v
  }
}
