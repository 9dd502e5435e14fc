/// Newline searches over raw bytes, eight bytes per step (SWAR): the stream parser looks for the
/// end of each line once, and the line cursor counts each byte of the stream once, so both cost
/// a fraction of a cycle per byte next to parsing.
enum Newlines {
  /// The high bit of each byte of `w` that is a newline, and no other bit. Exact for every byte
  /// (no carry crosses a byte), unlike the shorter `(x - 0x01..) & ~x` test.
  @inline(__always) static func mask(_ w: UInt64) -> UInt64 {
    let x = w ^ 0x0A0A_0A0A_0A0A_0A0A
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((x & low7) &+ low7) | x | low7)
  }

  /// The index of the first newline in `p[from..<to]`, or `to` when there is none.
  @inline(__always) static func first(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
    guard from < to, let base = p.baseAddress else { return to }
    var i = from
    // Sixteen bytes a step while none is a newline: a vector compare and one test (SSE2), a
    // third of the word-at-a-time cost; the words below then find which byte it is.
    let newlines = SIMD16<UInt8>(repeating: 0x0A)
    while i &+ 16 <= to {
      let v = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      if any(v .== newlines) { break }
      i &+= 16
    }
    while i &+ 8 <= to {
      let m = mask(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
      if m != 0 { return i &+ m.trailingZeroBitCount / 8 }
      i &+= 8
    }
    while i < to {
      if base.load(fromByteOffset: i, as: UInt8.self) == 0x0A { return i }
      i &+= 1
    }
    return to
  }

  /// The number of newlines in `p[from..<to]` and the index of the last one (-1 when none).
  static func count(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> (count: Int, last: Int) {
    guard from < to, let base = p.baseAddress else { return (0, -1) }
    var i = from
    var count = 0
    var last = -1
    while i &+ 8 <= to {
      let m = mask(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
      if m != 0 {
        count &+= m.nonzeroBitCount  // rare: once per line
        last = i &+ (63 &- m.leadingZeroBitCount) / 8
      }
      i &+= 8
    }
    while i < to {
      if base.load(fromByteOffset: i, as: UInt8.self) == 0x0A {
        count &+= 1
        last = i
      }
      i &+= 1
    }
    return (count, last)
  }
}
