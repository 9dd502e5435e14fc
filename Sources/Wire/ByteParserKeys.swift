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
