/// The JSON text of a string written again and again (a body's type and first keys, by place;
/// the clients a node answers), so that writing it again costs a comparison and a copy of 32
/// bytes.
struct QuotedText {
  /// Slots for the first keys of a body, after the type's.
  static let keyPlaces = 4
  /// Slots for dests, after the keys': a table that each dest has two places in.
  static let destPlaces = 32
  static let slots = 1 + keyPlaces + destPlaces

  /// The string whose text is kept: `==` finds it in its first step, on the same bits.
  var string = ""
  /// The string's own bytes as two words (`words(of:)`), for a dest.
  var words: (UInt64, UInt64) = (0, 0)
  /// The length of the text, or 0 when none is kept.
  var count = 0
  var text: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

  /// The bytes of the String value itself, as two words: a short string's text, or a longer
  /// one's length and storage. The same words are the same text while `string` keeps that
  /// storage alive.
  @inline(__always) static func words(of s: String) -> (UInt64, UInt64) {
    withUnsafeBytes(of: s) { b in
      (
        b.loadUnaligned(as: UInt64.self),
        b.loadUnaligned(fromByteOffset: b.count - 8, as: UInt64.self)
      )
    }
  }
}

extension RawOutput {
  /// Writes `s` quoted and escaped, as `string(_:)` does, from `cache` when it holds `s`.
  @inline(__always) mutating func string(
    _ s: String, cachedIn cache: UnsafeMutablePointer<QuotedText>
  ) {
    if cache.pointee.count != 0 && cache.pointee.string == s {
      put(kept: cache)
      return
    }
    remember(s, in: cache)
  }

  /// Writes dest `s` quoted and escaped, from the table of `QuotedText.destPlaces` slots at
  /// `table` when it holds `s`: a dest is kept in one of two slots picked by a hash of its
  /// words, so that the clients taking turns each keep theirs.
  @inline(__always) mutating func dest(_ s: String, in table: UnsafeMutablePointer<QuotedText>) {
    let words = QuotedText.words(of: s)
    var h = (words.0 ^ words.1) &* 0x9E37_79B9_7F4A_7C15
    h ^= h &>> 32
    let a = table + Int(truncatingIfNeeded: h & 31)
    let b = table + Int(truncatingIfNeeded: h &>> 5 & 31)
    if a.pointee.count != 0 && a.pointee.words == words {
      put(kept: a)
    } else if b.pointee.count != 0 && b.pointee.words == words {
      put(kept: b)
    } else {
      let slot = a.pointee.count != 0 && b.pointee.count == 0 ? b : a
      remember(s, in: slot)
      slot.pointee.words = words
    }
  }

  /// Writes the text kept in `cache`.
  @inline(__always) mutating func put(kept cache: UnsafeMutablePointer<QuotedText>) {
    ensure(32)
    UnsafeMutableRawPointer(base + count).storeBytes(
      of: cache.pointee.text, as: (UInt64, UInt64, UInt64, UInt64).self)
    count &+= cache.pointee.count
  }

  /// Writes `s` quoted and escaped, and keeps its text in `cache` if it fits.
  @inline(never) mutating func remember(_ s: String, in cache: UnsafeMutablePointer<QuotedText>) {
    let start = count
    JSONWriter.withUTF8(s) { string($0) }
    let n = count - start
    guard n <= 32 else {
      cache.pointee.count = 0
      return
    }
    cache.pointee.string = s
    cache.pointee.count = n
    withUnsafeMutableBytes(of: &cache.pointee.text) { text in
      text.copyMemory(from: UnsafeRawBufferPointer(start: base + start, count: n))
    }
  }
}

/// The digits of the last msg_id written, so that the next one is those counted up by one: a
/// carry now and then, rather than a division for every two digits.
struct LastID {
  var id = Int.min
  /// The number of digits, or 0 when they are not kept (a negative id).
  var count = 0
  var text: (UInt64, UInt64, UInt64) = (0, 0, 0)

  /// Counts the digits up by `step` (1 to 9); false when there are none, or one more digit is
  /// needed.
  @inline(__always) mutating func countUp(by step: Int) -> Bool {
    let n = count
    return withUnsafeMutableBytes(of: &text) { text in
      guard n > 0 else { return false }
      let last = text[n - 1] &+ UInt8(truncatingIfNeeded: step)
      if last <= UInt8(ascii: "9") {
        text[n - 1] = last
        return true
      }
      // A carry, through the nines before.
      text[n - 1] = last &- 10
      var k = n - 2
      while k >= 0 && text[k] == UInt8(ascii: "9") {
        text[k] = UInt8(ascii: "0")
        k -= 1
      }
      guard k >= 0 else { return false }
      text[k] += 1
      return true
    }
  }

  /// Keeps the `n` digits at `p`, those of a non-negative id.
  mutating func remember(_ p: UnsafePointer<UInt8>, _ n: Int) {
    count = p[0] == UInt8(ascii: "-") ? 0 : n
    withUnsafeMutableBytes(of: &text) { text in
      text.copyMemory(from: UnsafeRawBufferPointer(start: p, count: count))
    }
  }
}
