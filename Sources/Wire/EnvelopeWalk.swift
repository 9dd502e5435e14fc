/// The common envelope validated in one walk whose index lives in a local: `{"src": .., "dest":
/// .., "body": {"type": .., ...}, ...}` with plain keys whose signatures (`keySignature`) differ.
/// Strings of plain ASCII, short integers and flat objects of those (a relay's payload) are
/// checked here; any other value is checked by `skipValue`, at the depth it sits at. Anything
/// else (an escaped, non-ASCII or possibly repeated key, an empty object, a value `skipValue`
/// refuses, input that ends early) gives false, and the caller validates the whole value again
/// with `skipEnvelopeObject`, which reports the problem. So a value this accepts is one that
/// `skipEnvelopeObject` accepts, with the same spans.
///
/// It exists for speed: the parser's own walk keeps its index in the parser, in memory, and
/// spent about 1,900 instructions on a bench echo (callgrind). Its indexes count from the
/// value's first byte, so the spans it notes are the view's as they stand. It never crosses a
/// newline (it gives false instead), so a value it takes lies whole in its line: the stream
/// parser walks first and looks for the line's end after the value.
extension ByteParser {
  /// Validates the envelope at `i`, noting its parts in `spans` (empty until then) as indexes
  /// from its first byte; on success `i` is just after it. False: not walked (`i`, `depth`,
  /// `repeats` and `spans` are then unspecified).
  mutating func walkEnvelope(into spans: inout EnvelopeSpans) -> Bool {
    let origin = i
    let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self) + origin
    let end = self.end &- origin
    // How far 16-byte loads may reach: the whole buffer, past `end`.
    let readable = p.count &- origin
    guard maxDepth >= 2, 0 < end, base[0] == UInt8(ascii: "{") else { return false }
    // The signatures of the keys of the object being walked (the envelope, then the body): two
    // keys that share one (equal keys always do) are left to `skipEnvelopeObject`.
    var keys: UInt64 = 0
    var level = 1
    var envelopeKeys: UInt64 = 0
    // How many of the body's fields are noted in `spans.bodyFields` while in the body; -1: not
    // all, or not in the body.
    var fieldCount = -1
    var k = Self.whitespace(base, 1, end)
    guard k < end, base[k] == UInt8(ascii: "\"") else { return false }
    while true {
      // A key: plain ASCII up to its closing quote, not seen before in this object.
      guard k < end, base[k] == UInt8(ascii: "\"") else { return false }
      let keyStart = k &+ 1
      let stop = Self.plainStop(base, keyStart, end, readable)
      guard stop < end, base[stop] == UInt8(ascii: "\"") else { return false }
      let signature = Self.walkSignature(stop &- keyStart, base[keyStart], base[stop &- 1])
      guard keys & signature == 0 else { return false }
      keys |= signature
      // Compact JSON has the colon right after the key: one test says so.
      k = stop &+ 1
      if k >= end || base[k] != UInt8(ascii: ":") {
        k = Self.whitespace(base, k, end)
        guard k < end, base[k] == UInt8(ascii: ":") else { return false }
      }
      k = Self.whitespace(base, k &+ 1, end)
      guard k < end else { return false }
      let part = Self.envelopePart(base + keyStart, stop &- keyStart, level: level)
      let valueStart = k
      let b = base[k]
      if part == .body && b == UInt8(ascii: "{") {
        // Into the body: its own keys, at level 2.
        spans.body.lo = k
        fieldCount = 0
        k = Self.whitespace(base, k &+ 1, end)
        guard k < end, base[k] == UInt8(ascii: "\"") else { return false }
        envelopeKeys = keys
        keys = 0
        level = 2
        continue
      }
      if b == UInt8(ascii: "\"") {
        let stop = Self.plainStop(base, k &+ 1, end, readable)
        if stop < end && base[stop] == UInt8(ascii: "\"") {
          k = stop &+ 1
          spans.notePlain(part)
        } else {
          guard let after = delegate(from: k, origin, depth: level) else { return false }
          k = after
        }
      } else if let after = Self.shortInteger(base, k, end, readable) {
        k = after
      } else if b == UInt8(ascii: "{"), level < maxDepth,
        let after = Self.flatObject(base, k, end, readable)
      {
        k = after
      } else {
        guard let after = delegate(from: k, origin, depth: level) else { return false }
        k = after
      }
      if part == .other && fieldCount >= 0 {
        // The body's other fields (`type`, `msg_id` and `in_reply_to` have spans of their own).
        let body = spans.body.lo
        if fieldCount < BodyFields.capacity && k &- body <= 0xFFFF {
          let word =
            UInt64(truncatingIfNeeded: keyStart &- body)
            | UInt64(truncatingIfNeeded: stop &- body) &<< 16
            | UInt64(truncatingIfNeeded: valueStart &- body) &<< 32
            | UInt64(truncatingIfNeeded: k &- body) &<< 48
          spans.bodyFields.set(fieldCount, word)
          fieldCount &+= 1
        } else {
          fieldCount = -1
        }
      }
      spans.set(part, Span(lo: valueStart, hi: k))
      // After a value: another key, or the end of the object (and of the body, back to the
      // envelope's keys).
      while true {
        k = Self.whitespace(base, k, end)
        guard k < end else { return false }
        let c = base[k]
        k &+= 1
        if c == UInt8(ascii: ",") {
          k = Self.whitespace(base, k, end)
          break
        }
        guard c == UInt8(ascii: "}") else { return false }
        if level == 1 {
          i = origin &+ k
          return true
        }
        spans.body.hi = k
        spans.bodyFields.count = fieldCount
        fieldCount = -1
        keys = envelopeKeys
        level = 1
      }
    }
  }

  /// Just after the object at `p[k]` when it is a flat one this walk can check: plain keys
  /// whose signatures differ, each value a plain ASCII string, a short integer, `true`, `false`
  /// or `null`. Nil for anything else (then `skipValue` checks it from the start). Its keys
  /// cannot repeat, so it sets no `repeats` bit.
  static func flatObject(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int, _ readable: Int) -> Int? {
    var k = whitespace(p, k &+ 1, end)
    guard k < end else { return nil }
    if p[k] == UInt8(ascii: "}") { return k &+ 1 }
    var keys: UInt64 = 0
    while true {
      // The key as `walkEnvelope` reads one, spelled out again: a helper shared by both cost
      // about 330 instructions an echo (callgrind), the compiler keeping less in registers.
      guard k < end, p[k] == UInt8(ascii: "\"") else { return nil }
      let stop = plainStop(p, k &+ 1, end, readable)
      guard stop < end, p[stop] == UInt8(ascii: "\"") else { return nil }
      let signature = walkSignature(stop &- k &- 1, p[k &+ 1], p[stop &- 1])
      guard keys & signature == 0 else { return nil }
      keys |= signature
      k = stop &+ 1
      if k >= end || p[k] != UInt8(ascii: ":") {
        k = whitespace(p, k, end)
        guard k < end, p[k] == UInt8(ascii: ":") else { return nil }
      }
      k = whitespace(p, k &+ 1, end)
      guard k < end else { return nil }
      switch p[k] {
      case UInt8(ascii: "\""):
        let stop = plainStop(p, k &+ 1, end, readable)
        guard stop < end, p[stop] == UInt8(ascii: "\"") else { return nil }
        k = stop &+ 1
      case UInt8(ascii: "t"):
        guard k &+ 4 <= end, KnownStrings.same(UnsafeRawPointer(p + k), "true") else {
          return nil
        }
        k &+= 4
      case UInt8(ascii: "f"):
        guard k &+ 5 <= end, KnownStrings.same(UnsafeRawPointer(p + k), "false") else {
          return nil
        }
        k &+= 5
      case UInt8(ascii: "n"):
        guard k &+ 4 <= end, KnownStrings.same(UnsafeRawPointer(p + k), "null") else {
          return nil
        }
        k &+= 4
      default:
        guard let after = shortInteger(p, k, end, readable) else { return nil }
        k = after
      }
      k = whitespace(p, k, end)
      guard k < end else { return nil }
      let c = p[k]
      k &+= 1
      if c == UInt8(ascii: "}") { return k }
      guard c == UInt8(ascii: ",") else { return nil }
      k = whitespace(p, k, end)
    }
  }

  /// Checks the value at `k` (an index from `origin`), inside an object at `depth`, with
  /// `skipValue`; returns the index after it, or nil when it is refused.
  private mutating func delegate(from k: Int, _ origin: Int, depth: Int) -> Int? {
    i = origin &+ k
    self.depth = depth
    do throws(ParseFailure) {
      try skipValue()
    } catch {
      return nil
    }
    // Its whitespace may hold a newline, which the walk does not cross.
    guard Newlines.first(p, from: origin &+ k, to: i) == i else { return nil }
    return i &- origin
  }

  /// One of 64 bits for a key of `n` bytes whose first and last bytes are `first` and `last`
  /// (for an empty key, its quotes), as `signature` but cheaper: the walk's signatures are its
  /// own, so they need only be equal for equal keys, and seldom for the keys messages have
  /// (those of Maelstrom's envelopes and bodies all differ).
  @inline(__always) static func walkSignature(_ n: Int, _ first: UInt8, _ last: UInt8) -> UInt64 {
    1 &<< (UInt64(first) &+ UInt64(last) &* 3 &+ UInt64(truncatingIfNeeded: n) &<< 3)
  }

  /// Which part of the envelope the unescaped key of `n` bytes at `k` names.
  @inline(__always) static func envelopePart(_ k: UnsafePointer<UInt8>, _ n: Int, level: Int)
    -> EnvelopePart
  {
    let k = UnsafeRawPointer(k)
    switch (level, n) {
    case (1, 3): return KnownStrings.same(k, "src") ? .src : .other
    case (1, 4):
      return KnownStrings.same(k, "dest") ? .dest : KnownStrings.same(k, "body") ? .body : .other
    case (2, 4): return KnownStrings.same(k, "type") ? .type : .other
    case (2, 6): return KnownStrings.same(k, "msg_id") ? .msgID : .other
    case (2, 11): return KnownStrings.same(k, "in_reply_to") ? .inReplyTo : .other
    default: return .other
    }
  }

  /// Where the plain ASCII run of a string's content from `k` stops: at the first `"`, `\`,
  /// control or non-ASCII byte, or at `end` or past it when there is none before `end`. The
  /// string is closed there when it is before `end` and that byte is `"`. Bytes up to
  /// `readable` may be read. (`@inline(always)`: the optimizer takes `@inline(__always)` as a
  /// hint, and called it instead, about 120 instructions an echo.)
  @inline(always) static func plainStop(
    _ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int, _ readable: Int
  ) -> Int {
    var k = k
    while k &+ 16 <= readable {
      let j = Bytes16.firstSpecial(p + k)
      if j < 16 { return k &+ j }
      k &+= 16
      if k >= end { return k }
    }
    while k < end {
      let b = p[k]
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return k }
      k &+= 1
    }
    return end
  }

  /// The first index at or after `k` that is not whitespace other than a newline (or `end`).
  @inline(__always) static func whitespace(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    // Compact JSON has none: one comparison says so.
    if k < end && p[k] > 0x20 { return k }
    var k = k
    while k < end {
      let b = p[k]
      guard b == 0x20 || b == 0x0D || b == 0x09 else { return k }
      k &+= 1
    }
    return k
  }

  /// Just after the integer at `k` when it is a short one that `skipNumber` takes at once (up to
  /// 18 digits, no leading zero, a byte after it that ends it); nil for anything else.
  @inline(always) static func shortInteger(
    _ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int, _ readable: Int
  ) -> Int? {
    var j = k
    if j < end && p[j] == UInt8(ascii: "-") { j &+= 1 }
    let digits = j
    // Up to 16 digits in one step (past `end` too: then `j < end` below fails, as it should);
    // byte by byte near the end of the buffer.
    if j &+ 16 <= readable {
      j &+= Bytes16.firstNonDigit(p + j)
    } else {
      while j < end && p[j] &- UInt8(ascii: "0") < 10 { j &+= 1 }
    }
    let n = j &- digits
    guard n > 0, n <= 18, n == 1 || p[digits] != UInt8(ascii: "0"), j < end else { return nil }
    let b = p[j]
    guard
      b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20
        || b == 0x0A || b == 0x0D || b == 0x09
    else { return nil }
    return j
  }
}
