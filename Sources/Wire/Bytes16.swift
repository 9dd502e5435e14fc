/// Sixteen bytes looked at in one step (SSE2 on x86-64, NEON on arm64), for the scans that
/// cost most per byte: the end of a plain string, of a run of digits, of a line. Each reads 16
/// bytes from `p`, which must all be readable; callers bound their loops by what is.
enum Bytes16 {
  /// The 16 bytes at `p` as signed lanes: every byte above 0x7F is then below 0x20 too.
  @inline(__always) static func load(_ p: UnsafePointer<UInt8>) -> SIMD16<Int8> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int8>.self)
  }

  /// The index of the first lane set in `m`, or 16 when none is: its lanes as two words, the
  /// first nonzero byte found by counting trailing zeros.
  @inline(__always) static func first(_ m: SIMDMask<SIMD16<Int8>>) -> Int {
    let lanes = SIMD16<Int8>(repeating: 0).replacing(with: -1, where: m)
    let words = unsafeBitCast(lanes, to: SIMD2<UInt64>.self)
    if words[0] != 0 { return words[0].trailingZeroBitCount &>> 3 }
    return 8 &+ words[1].trailingZeroBitCount &>> 3
  }

  /// The index of the first byte at `p` that ends a plain ASCII run of a string: `"`, `\`, a
  /// control byte or one above 0x7F (16 when none does).
  @inline(__always) static func firstSpecial(_ p: UnsafePointer<UInt8>) -> Int {
    // Vector constants: the scalar-broadcast comparisons compile to a loop over the lanes.
    let space = SIMD16<Int8>(repeating: 0x20)
    let quote = SIMD16<Int8>(repeating: 0x22)
    let backslash = SIMD16<Int8>(repeating: 0x5C)
    let v = load(p)
    return first((v .< space) .| (v .== quote) .| (v .== backslash))
  }

  /// The index of the first byte at `p` that is not an ASCII digit (16 when all are).
  @inline(__always) static func firstNonDigit(_ p: UnsafePointer<UInt8>) -> Int {
    let belowZero = SIMD16<Int8>(repeating: 0x2F)
    let aboveNine = SIMD16<Int8>(repeating: 0x3A)
    let v = load(p)
    return first((v .<= belowZero) .| (v .>= aboveNine))
  }

  /// The index of the first newline at `p` (16 when there is none).
  @inline(__always) static func firstNewline(_ p: UnsafePointer<UInt8>) -> Int {
    first(load(p) .== SIMD16<Int8>(repeating: 0x0A))
  }
}
