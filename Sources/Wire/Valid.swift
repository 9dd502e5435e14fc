/// Walking bytes already validated, without checking them again: each function takes the index
/// of a token's first byte and returns the index just after it. `end` bounds reads made a word at
/// a time.
enum Valid {
  /// The index of the first byte at or after `k` that is not whitespace (one always follows
  /// inside a value).
  @inline(__always) static func whitespace(_ p: UnsafePointer<UInt8>, _ k: Int) -> Int {
    var k = k
    while true {
      let b = p[k]
      guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return k }
      k &+= 1
    }
  }

  /// Just after the string that opens at `p[k]`.
  @inline(__always) static func string(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    let raw = UnsafeRawPointer(p)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    var k = k &+ 1
    while true {
      if k &+ 8 <= end {
        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
        // Quotes and backslashes; bytes above 0x7F are let through (they never borrow).
        let t = ((w ^ ones &* 0x22) &- ones) | ((w ^ ones &* 0x5C) &- ones)
        let special = t & ~w & high
        if special == 0 {
          k &+= 8
          continue
        }
        k &+= special.trailingZeroBitCount &>> 3
      }
      let b = p[k]
      if b == UInt8(ascii: "\"") { return k &+ 1 }
      // An escape's second byte is never a quote that ends the string.
      k &+= b == UInt8(ascii: "\\") ? 2 : 1
    }
  }

  /// Just after the value that starts at `p[k]`.
  static func value(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    switch p[k] {
    case UInt8(ascii: "\""): return string(p, k, end)
    case UInt8(ascii: "t"), UInt8(ascii: "n"): return k + 4
    case UInt8(ascii: "f"): return k + 5
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      var k = k
      while true {
        let b = p[k]
        if b == UInt8(ascii: "\"") {
          k = string(p, k, end)
          continue
        }
        if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
        if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 { return k + 1 }
        }
        k += 1
      }
    default:
      var k = k + 1
      while k < end {
        let b = p[k]
        guard
          b &- UInt8(ascii: "0") < 10 || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
            || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        else { break }
        k += 1
      }
      return k
    }
  }

  /// Whether the bytes at `p` begin with those of `key`.
  @inline(__always) static func same(_ p: UnsafePointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    for m in 0..<key.count where p[m] != key[m] { return false }
    return true
  }
}
