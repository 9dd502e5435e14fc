/// The common envelope validated in one walk whose index lives in a local: `{"src": .., "dest":
/// .., "body": {"type": .., ...}, ...}` with plain keys whose signatures (`keySignature`) differ.
/// Strings of plain ASCII, short integers and flat objects of those (a relay's payload) are
/// checked here; any other value is checked by `skipValue`, at the depth it sits at. Anything
/// else (an escaped, non-ASCII or possibly repeated key, an empty object, a value `skipValue`
/// refuses, input that ends early) gives nil, and the caller validates the whole value again
/// with `skipEnvelopeObject`, which reports the problem. So a value this accepts is one that
/// `skipEnvelopeObject` accepts, with the same spans.
///
/// It exists for speed: the parser's own walk keeps its index in the parser, in memory, and
/// spent about 1,900 instructions on a bench echo (callgrind).
extension ByteParser {
  /// Validates the envelope at `i`; on success `i` is just after it and the spans are returned
  /// (indexes in `p`). Nil: not walked (`i`, `depth` and `repeats` are then unspecified).
  mutating func walkEnvelope() -> EnvelopeSpans? {
    let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = self.end
    var spans = EnvelopeSpans()
    var k = i
    guard maxDepth >= 2, k < end, base[k] == UInt8(ascii: "{") else { return nil }
    // The signatures of the keys of the object being walked (the envelope, then the body): two
    // keys that share one (equal keys always do) are left to `skipEnvelopeObject`.
    var keys: UInt64 = 0
    var level = 1
    var envelopeKeys: UInt64 = 0
    // The body's fields as `BodyFields` words; -1: not all noted.
    var fields: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var fieldCount = -1
    k &+= 1
    k = Self.whitespace(base, k, end)
    guard k < end, base[k] == UInt8(ascii: "\"") else { return nil }
    while true {
      // A key: plain ASCII up to its closing quote, not seen before in this object.
      guard k < end, base[k] == UInt8(ascii: "\"") else { return nil }
      let keyStart = k &+ 1
      let (stop, closed) = plainASCII(from: keyStart)
      guard closed else { return nil }
      let signature = keySignature(keyStart, stop)
      guard keys & signature == 0 else { return nil }
      keys |= signature
      k = Self.whitespace(base, stop &+ 1, end)
      guard k < end, base[k] == UInt8(ascii: ":") else { return nil }
      k = Self.whitespace(base, k &+ 1, end)
      guard k < end else { return nil }
      let part = envelopePart(keyStart, stop, level: level)
      let valueStart = k
      let b = base[k]
      if part == .body && b == UInt8(ascii: "{") {
        // Into the body: its own keys, at level 2.
        spans.body.lo = k
        fieldCount = 0
        k = Self.whitespace(base, k &+ 1, end)
        guard k < end, base[k] == UInt8(ascii: "\"") else { return nil }
        envelopeKeys = keys
        keys = 0
        level = 2
        continue
      }
      if b == UInt8(ascii: "\"") {
        let (stop, closed) = plainASCII(from: k &+ 1)
        if closed {
          k = stop &+ 1
        } else {
          guard let after = delegate(from: k, depth: level) else { return nil }
          k = after
        }
      } else if let after = Self.shortInteger(base, k, end) {
        k = after
      } else if b == UInt8(ascii: "{"), level < maxDepth, let after = flatObject(from: k) {
        k = after
      } else {
        guard let after = delegate(from: k, depth: level) else { return nil }
        k = after
      }
      let span = Span(lo: valueStart, hi: k)
      if part == .other && level == 2 && fieldCount >= 0 {
        // The body's other fields (`type`, `msg_id` and `in_reply_to` have spans of their own),
        // noted in locals, stored once at the end.
        let body = spans.body.lo
        if fieldCount < BodyFields.capacity && k &- body <= 0xFFFF {
          let word =
            UInt64(truncatingIfNeeded: keyStart &- body)
            | UInt64(truncatingIfNeeded: stop &- body) &<< 16
            | UInt64(truncatingIfNeeded: valueStart &- body) &<< 32
            | UInt64(truncatingIfNeeded: k &- body) &<< 48
          switch fieldCount {
          case 0: fields.0 = word
          case 1: fields.1 = word
          case 2: fields.2 = word
          default: fields.3 = word
          }
          fieldCount &+= 1
        } else {
          fieldCount = -1
        }
      }
      spans.set(part, span)
      // After a value: another key, or the end of the object (and of the body, back to the
      // envelope's keys).
      while true {
        k = Self.whitespace(base, k, end)
        guard k < end else { return nil }
        let c = base[k]
        k &+= 1
        if c == UInt8(ascii: ",") {
          k = Self.whitespace(base, k, end)
          break
        }
        guard c == UInt8(ascii: "}") else { return nil }
        if level == 1 {
          i = k
          spans.bodyFields = BodyFields(words: fields, count: fieldCount)
          return spans
        }
        spans.body.hi = k
        keys = envelopeKeys
        level = 1
      }
    }
  }

  /// Just after the object at `k` when it is a flat one this walk can check: plain keys whose
  /// signatures differ, each value a plain ASCII string, a short integer, `true`, `false` or
  /// `null`. Nil for anything else (then `skipValue` checks it from the start). Its keys cannot
  /// repeat, so it sets no `repeats` bit.
  func flatObject(from k: Int) -> Int? {
    let base = p.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = self.end
    var k = Self.whitespace(base, k &+ 1, end)
    guard k < end else { return nil }
    if base[k] == UInt8(ascii: "}") { return k &+ 1 }
    var keys: UInt64 = 0
    while true {
      // The key as `walkEnvelope` reads one, spelled out again: a helper shared by both cost
      // about 330 instructions an echo (callgrind), the compiler keeping less in registers.
      guard k < end, base[k] == UInt8(ascii: "\"") else { return nil }
      let (stop, closed) = plainASCII(from: k &+ 1)
      guard closed else { return nil }
      let signature = keySignature(k &+ 1, stop)
      guard keys & signature == 0 else { return nil }
      keys |= signature
      k = Self.whitespace(base, stop &+ 1, end)
      guard k < end, base[k] == UInt8(ascii: ":") else { return nil }
      k = Self.whitespace(base, k &+ 1, end)
      guard k < end else { return nil }
      switch base[k] {
      case UInt8(ascii: "\""):
        let (stop, closed) = plainASCII(from: k &+ 1)
        guard closed else { return nil }
        k = stop &+ 1
      case UInt8(ascii: "t"):
        guard k &+ 4 <= end, KnownStrings.same(UnsafeRawPointer(base + k), "true") else {
          return nil
        }
        k &+= 4
      case UInt8(ascii: "f"):
        guard k &+ 5 <= end, KnownStrings.same(UnsafeRawPointer(base + k), "false") else {
          return nil
        }
        k &+= 5
      case UInt8(ascii: "n"):
        guard k &+ 4 <= end, KnownStrings.same(UnsafeRawPointer(base + k), "null") else {
          return nil
        }
        k &+= 4
      default:
        guard let after = Self.shortInteger(base, k, end) else { return nil }
        k = after
      }
      k = Self.whitespace(base, k, end)
      guard k < end else { return nil }
      let c = base[k]
      k &+= 1
      if c == UInt8(ascii: "}") { return k }
      guard c == UInt8(ascii: ",") else { return nil }
      k = Self.whitespace(base, k, end)
    }
  }

  /// Checks the value at `k`, inside an object at `depth`, with `skipValue`; returns the index
  /// after it, or nil when it is refused.
  private mutating func delegate(from k: Int, depth: Int) -> Int? {
    i = k
    self.depth = depth
    do throws(ParseFailure) {
      try skipValue()
    } catch {
      return nil
    }
    return i
  }

  /// The first index at or after `k` that is not whitespace (or `end`).
  @inline(__always) static func whitespace(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int) -> Int {
    // Compact JSON has none: one comparison says so.
    if k < end && p[k] > 0x20 { return k }
    var k = k
    while k < end {
      let b = p[k]
      guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return k }
      k &+= 1
    }
    return k
  }

  /// Just after the integer at `k` when it is a short one that `skipNumber` takes at once (up to
  /// 18 digits, no leading zero, a byte after it that ends it); nil for anything else.
  @inline(__always) static func shortInteger(_ p: UnsafePointer<UInt8>, _ k: Int, _ end: Int)
    -> Int?
  {
    var j = k
    if j < end && p[j] == UInt8(ascii: "-") { j &+= 1 }
    let digits = j
    while j < end && p[j] &- UInt8(ascii: "0") < 10 { j &+= 1 }
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
