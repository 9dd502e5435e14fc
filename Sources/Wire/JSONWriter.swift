/// Writes JSON exactly as Python's `json.dumps` does with its default arguments: separators
/// `", "` and `": "`, every non-ASCII character escaped, floats as `repr` prints them.
public enum JSONWriter {
  /// Appends `value` in `json.dumps` format.
  public static func append(_ value: JSON, to out: inout [UInt8]) {
    switch value {
    case .string(let s): appendString(s, to: &out)
    case .int(let i): appendInt(i, to: &out)
    default:
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RawOutput.stackCapacity) { stack in
        var w = RawOutput(stack)
        w.value(value)
        w.flush(to: &out)
      }
    }
  }

  @inline(__always) static func appendStatic(_ s: StaticString, to out: inout [UInt8]) {
    out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  /// Appends `s` quoted, with `"`, `\` and control characters escaped and every scalar outside
  /// ASCII's printable range (DEL too, as Python does) written as `\uXXXX` (a surrogate pair
  /// above U+FFFF).
  public static func appendString(_ s: String, to out: inout [UInt8]) {
    withUTF8(s) { u in
      if let base = u.baseAddress, !needsEscape(base, u.count) {
        if u.count <= 16 {
          // Byte by byte costs less than `append(contentsOf:)`'s setup for short runs.
          out.append(UInt8(ascii: "\""))
          for b in u { out.append(b) }
          out.append(UInt8(ascii: "\""))
          return
        }
        out.reserveCapacity(out.count + u.count + 2)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: u)
        out.append(UInt8(ascii: "\""))
        return
      }
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RawOutput.stackCapacity) { stack in
        var w = RawOutput(stack)
        w.string(u)
        w.flush(to: &out)
      }
    }
  }

  /// Appends the decimal digits of `i`.
  public static func appendInt(_ i: Int, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { stack in
      let n = writeInt(i, to: stack.baseAddress!)
      out.append(contentsOf: UnsafeBufferPointer(start: stack.baseAddress!, count: n))
    }
  }

  /// Writes the decimal digits of `i` at `p` (which has room for 20 bytes); returns their count.
  /// Two digits at a time from a table, from the last: half the divisions of one at a time.
  @inline(__always) static func writeInt(_ i: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
    var v = i.magnitude
    if v < 10 && i >= 0 {
      p[0] = UInt8(truncatingIfNeeded: v) &+ UInt8(ascii: "0")
      return 1
    }
    p[0] = UInt8(ascii: "-")
    let n = (i < 0 ? 1 : 0) &+ digitCount(v)
    let pairs = UnsafeRawPointer(digitPairs.utf8Start)
    let out = UnsafeMutableRawPointer(p)
    var k = n
    while v >= 100 {
      let r = Int(truncatingIfNeeded: v % 100)
      v /= 100
      k &-= 2
      out.storeBytes(
        of: pairs.loadUnaligned(fromByteOffset: 2 &* r, as: UInt16.self), toByteOffset: k,
        as: UInt16.self)
    }
    if v >= 10 {
      out.storeBytes(
        of: pairs.loadUnaligned(fromByteOffset: 2 &* Int(v), as: UInt16.self),
        toByteOffset: k &- 2, as: UInt16.self)
    } else {
      p[k &- 1] = UInt8(truncatingIfNeeded: v) &+ UInt8(ascii: "0")
    }
    return n
  }

  /// "00", "01", ... "99", for `writeInt`.
  @inline(__always) static var digitPairs: StaticString {
    """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """
  }

  /// The number of decimal digits of `v`, at least 1.
  @inline(__always) static func digitCount(_ v: UInt) -> Int {
    var n = 1
    var t = v
    while t >= 10_000 {
      t /= 10_000
      n &+= 4
    }
    if t >= 100 { return n &+ (t >= 1000 ? 3 : 2) }
    return t >= 10 ? n &+ 1 : n
  }

  /// Runs `body` on the UTF-8 bytes of `s` without copying them when it can.
  @inline(__always) static func withUTF8<R>(
    _ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
    var s = s
    return s.withUTF8(body)
  }

  /// Whether any of the `n` bytes at `p` must be escaped: below 0x20, `"`, `\`, 0x7F or above.
  /// Reads a word at a time; a tail shorter than a word is read as overlapping pieces.
  @inline(__always) static func needsEscape(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let raw = UnsafeRawPointer(p)
    if n >= 8 {
      var k = 0
      while k + 8 < n {
        if wordNeedsEscape(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) { return true }
        k += 8
      }
      return wordNeedsEscape(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
    }
    if n >= 4 {
      let lo = UInt64(raw.loadUnaligned(as: UInt32.self))
      let hi = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      return wordNeedsEscape(lo | hi << 32)
    }
    // One to three bytes (or none), padded with a byte that needs no escape.
    var w: UInt64 = 0x4141_4141_4141_4141
    for k in 0..<n { w = w << 8 | UInt64(p[k]) }
    return wordNeedsEscape(w)
  }

  /// Copies `n` bytes from `from` to `to` (which do not overlap); short runs without a call.
  @inline(__always) static func copy(
    _ from: UnsafePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ n: Int
  ) {
    let src = UnsafeRawPointer(from)
    let dst = UnsafeMutableRawPointer(to)
    if n > 32 {
      to.initialize(from: from, count: n)
    } else if n > 16 {
      // Two 16-byte halves, overlapping, each as two words.
      let a = src.loadUnaligned(as: UInt64.self)
      let b = src.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      let c = src.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
      let d = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      dst.storeBytes(of: a, as: UInt64.self)
      dst.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
      dst.storeBytes(of: c, toByteOffset: n - 16, as: UInt64.self)
      dst.storeBytes(of: d, toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 8 {
      let a = src.loadUnaligned(as: UInt64.self)
      let b = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      dst.storeBytes(of: a, as: UInt64.self)
      dst.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
      let a = src.loadUnaligned(as: UInt32.self)
      let b = src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
      dst.storeBytes(of: a, as: UInt32.self)
      dst.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
    } else {
      for k in 0..<n { to[k] = from[k] }
    }
  }

  /// Whether any byte of `w` must be escaped (may say yes when none must; never says no when
  /// one must).
  @inline(__always) static func wordNeedsEscape(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    let quote = w ^ (ones &* 0x22)
    let backslash = w ^ (ones &* 0x5C)
    let del = w ^ (ones &* 0x7F)
    // With every byte below 0x80, subtracting sets a byte's high bit only when it is below the
    // subtrahend (or after such a byte, through the borrow).
    let t = (w &- ones &* 0x20) | (quote &- ones) | (backslash &- ones) | (del &- ones)
    return (t | w) & high != 0
  }
}

/// Output written through a raw pointer: into the caller's stack buffer first, moving to the
/// heap when it outgrows it; `ensure` reserves room once for each token or run of bytes.
struct RawOutput: ~Copyable {
  static let stackCapacity = 512

  var base: UnsafeMutablePointer<UInt8>
  var count = 0
  var capacity: Int
  var onHeap = false

  init(_ stack: UnsafeMutableBufferPointer<UInt8>) {
    base = stack.baseAddress!
    capacity = stack.count
  }

  deinit {
    if onHeap { base.deallocate() }
  }

  /// Appends the bytes written to `out`.
  func flush(to out: inout [UInt8]) {
    out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
  }

  @inline(__always) mutating func ensure(_ n: Int) {
    if capacity &- count < n { grow(n) }
  }

  @inline(never) mutating func grow(_ n: Int) {
    let newCapacity = max(capacity * 2, count + n)
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    p.initialize(from: base, count: count)
    if onHeap { base.deallocate() }
    base = p
    capacity = newCapacity
    onHeap = true
  }

  /// Writes a byte; room must have been ensured.
  @inline(__always) mutating func put(_ b: UInt8) {
    base[count] = b
    count &+= 1
  }

  /// Writes bytes; room must have been ensured.
  @inline(__always) mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
    JSONWriter.copy(p, base + count, n)
    count &+= n
  }

  @inline(__always) mutating func put(_ s: StaticString) {
    put(s.utf8Start, s.utf8CodeUnitCount)
  }

  mutating func value(_ value: JSON) {
    switch value {
    case .null:
      ensure(4)
      put("null")
    case .bool(let b):
      ensure(5)
      put(b ? "true" : "false")
    case .int(let i):
      ensure(20)
      count &+= JSONWriter.writeInt(i, to: base + count)
    case .bigInt(let text):
      JSONWriter.withUTF8(text) { u in
        ensure(u.count)
        if let p = u.baseAddress { put(p, u.count) }
      }
    case .double(let d):
      ensure(JSONWriter.doubleRoom)
      count &+= JSONWriter.writeDouble(d, to: base + count)
    case .string(let s):
      JSONWriter.withUTF8(s) { string($0) }
    case .array(let items):
      ensure(2)
      put(UInt8(ascii: "["))
      var first = true
      for item in items {
        if !first {
          ensure(2)
          put(", ")
        }
        first = false
        self.value(item)
      }
      ensure(1)
      put(UInt8(ascii: "]"))
    case .object(let object):
      self.object(object)
    }
  }

  mutating func object(_ object: JSONObject) {
    ensure(2)
    put(UInt8(ascii: "{"))
    var first = true
    for field in object.fields {
      if !first {
        ensure(2)
        put(", ")
      }
      first = false
      JSONWriter.withUTF8(field.key) { string($0) }
      ensure(2)
      put(": ")
      value(field.value)
    }
    ensure(1)
    put(UInt8(ascii: "}"))
  }

  /// Writes `u` quoted and escaped: printable ASCII in runs, the rest escape by escape.
  mutating func string(_ u: UnsafeBufferPointer<UInt8>) {
    guard let p = u.baseAddress else {
      ensure(2)
      put("\"\"")
      return
    }
    let n = u.count
    if !JSONWriter.needsEscape(p, n) {
      ensure(n + 2)
      put(UInt8(ascii: "\""))
      put(p, n)
      put(UInt8(ascii: "\""))
      return
    }
    // Each byte becomes at most 6 (a 4-byte sequence becomes 12), plus the quotes.
    ensure(6 * n + 2)
    put(UInt8(ascii: "\""))
    var k = 0
    while k < n {
      let b = p[k]
      if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
        put(b)
        k += 1
        continue
      }
      k = escape(p, at: k)
    }
    put(UInt8(ascii: "\""))
  }

  /// Writes the escape for the character at `p[k]` and returns the index after it; room must
  /// have been ensured.
  mutating func escape(_ p: UnsafePointer<UInt8>, at k: Int) -> Int {
    let b = p[k]
    switch b {
    case UInt8(ascii: "\""): put("\\\"")
    case UInt8(ascii: "\\"): put("\\\\")
    case 0x0A: put("\\n")
    case 0x0D: put("\\r")
    case 0x09: put("\\t")
    case 0x08: put("\\b")
    case 0x0C: put("\\f")
    case 0..<0x20, 0x7F: unit(UInt32(b))
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
      for m in 1..<n { scalar = scalar << 6 | UInt32(p[k + m] & 0x3F) }
      if scalar >= 0x10000 {
        let v = scalar - 0x10000
        unit(0xD800 + (v >> 10))
        unit(0xDC00 + (v & 0x3FF))
      } else {
        unit(scalar)
      }
      return k + n
    }
    return k + 1
  }

  /// Writes `\uXXXX` with lowercase hex digits; room must have been ensured.
  mutating func unit(_ unit: UInt32) {
    let hex: StaticString = "0123456789abcdef"
    let h = hex.utf8Start
    put(UInt8(ascii: "\\"))
    put(UInt8(ascii: "u"))
    put(h[Int(unit >> 12 & 15)])
    put(h[Int(unit >> 8 & 15)])
    put(h[Int(unit >> 4 & 15)])
    put(h[Int(unit & 15)])
  }
}
