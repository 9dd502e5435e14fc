/// A copy of one valid message's bytes with where its parts lie, read as `MessageView` reads
/// them: what the runtime keeps of a message it took from a view, and what its values point
/// into. Reusable: `load` replaces the contents, which is safe only while nothing else holds it
/// (check `isKnownUniquelyReferenced`); a value or message someone kept keeps its copy alive.
public final class RawMessage: @unchecked Sendable {
  var storage: UnsafeMutableRawPointer
  var capacity: Int
  var count = 0
  var spans = EnvelopeSpans()
  var repeats: UInt8 = 0
  var cachedSrc = TextCache()
  var cachedDest = TextCache()
  var cachedType = TextCache()
  var cachedMsgID: JSON??
  /// `src`, `dest` and the body's `type` as keys read from the bytes when loaded: nil for a
  /// name that is not a string, is longer than 16 bytes or has an escape. No string is made.
  public private(set) var srcKey: NameKey?
  public private(set) var destKey: NameKey?
  public private(set) var typeKey: NameKey?

  /// An empty message with room for `capacity` bytes (a typical message by default; the exact
  /// size of the next one when the last is being kept, so kept messages cost what they hold).
  public init(capacity: Int = 256) {
    self.capacity = max(capacity, 16)
    storage = .allocate(byteCount: self.capacity, alignment: 8)
  }

  deinit { storage.deallocate() }

  /// Replaces the contents with a copy of `view`; grows only when it does not fit.
  public func load(_ view: MessageView) {
    let n = view.bytes.count
    if n > capacity {
      storage.deallocate()
      capacity = max(n, capacity * 2)
      storage = .allocate(byteCount: capacity, alignment: 8)
    }
    if n > 0 { storage.copyMemory(from: view.bytes.baseAddress!, byteCount: n) }
    count = n
    spans = view.spans
    repeats = view.repeats
    cachedSrc.loaded = false
    cachedDest.loaded = false
    cachedType.loaded = false
    cachedMsgID = nil
    srcKey = key(spans.src, plain: spans.plainNames & 1 != 0)
    destKey = key(spans.dest, plain: spans.plainNames & 2 != 0)
    typeKey = key(spans.type, plain: spans.plainNames & 4 != 0)
  }

  /// The body's `msg_id` as a tree (made once), nil when absent or `null`.
  public var msgIDTree: JSON? {
    if let id = cachedMsgID { return id }
    let id = msgID.flatMap { $0.isNull ? nil : $0.parsed() }
    cachedMsgID = .some(id)
    return id
  }

  /// `src` as a string, or "" when it is not one.
  public var srcText: String { cachedSrc.text(of: spans.src, in: bytes, readable: capacity) }

  /// `dest` as a string, or "" when it is not one.
  public var destText: String { cachedDest.text(of: spans.dest, in: bytes, readable: capacity) }

  /// The body's `type` as a string, or "" when it is not one.
  public var typeText: String { cachedType.text(of: spans.type, in: bytes, readable: capacity) }

  /// The key of the string at `span`, whose content is known to be plain ASCII when `plain`
  /// (then it has no backslash to look for).
  @inline(__always) func key(_ span: Span, plain: Bool) -> NameKey? {
    let lo = span.lo &+ 1
    let n = span.hi &- lo &- 1
    guard span.lo >= 0, n <= 16, storage.load(fromByteOffset: span.lo, as: UInt8.self) == 0x22
    else { return nil }
    if lo &+ 16 <= capacity {
      let p = UnsafeRawPointer(storage + lo)
      return plain ? NameKey(plainWords: p, n) : NameKey(words: p, n)
    }
    return NameKey(bytes: UnsafeRawBufferPointer(start: storage + lo, count: n))
  }

  /// Whether a message this large is worth keeping for reuse (a burst may have grown it).
  public var isModest: Bool { capacity <= 1 << 16 }

  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

  /// The value at `span`, read with the repeat bits of `depths`; nil when absent.
  @inline(__always) func value(_ span: Span, _ depths: UInt8) -> RawValue? {
    guard span.lo >= 0 else { return nil }
    return RawValue(message: self, lo: span.lo, hi: span.hi, mayRepeat: repeats & depths != 0)
  }

  /// The sender, `src`.
  public var src: RawValue? { value(spans.src, RepeatDepth.nested) }
  /// The receiver, `dest`.
  public var dest: RawValue? { value(spans.dest, RepeatDepth.nested) }
  /// The `body`.
  public var body: RawValue? { value(spans.body, RepeatDepth.body | RepeatDepth.nested) }
  /// The body's `type`.
  public var type: RawValue? { value(spans.type, RepeatDepth.nested) }
  /// The body's `msg_id`, when present (it may be `null`).
  public var msgID: RawValue? { value(spans.msgID, RepeatDepth.nested) }
  /// The body's `in_reply_to`, when present (it may be `null`).
  public var inReplyTo: RawValue? { value(spans.inReplyTo, RepeatDepth.nested) }
  /// The whole message.
  public var whole: RawValue { RawValue(message: self, lo: 0, hi: count, mayRepeat: repeats != 0) }

  /// The body's field `key` (its last occurrence) as a `RawJSON`, which points into this
  /// message: to be used while the message is held and before it is loaded again.
  public func rawField(_ key: String) -> RawJSON? {
    fieldSpan(key).flatMap { raw($0, RepeatDepth.nested) }
  }

  /// Where the body's field `key` lies (its last occurrence), if it has one.
  @inline(__always) func fieldSpan(_ key: String) -> Span? {
    var key = key
    return key.withUTF8 { k in spans.field(k, in: bytes, repeats: repeats) }
  }

  /// The body's field `name`, as `rawField(_:)` finds it, looked for first by `key` (the
  /// name's key) among the fields the envelope walk noted, a word at a time: no string is read.
  public func rawField(_ name: String, key: NameKey) -> RawJSON? {
    let body = spans.body.lo
    if !spans.escapedKey && spans.bodyFields.count > 0 && body >= 0 {
      let span = spans.bodyFields.find(body: body) { lo, hi in
        hi &- lo == key.count && lo &+ 16 <= capacity
          && NameKey(words: UnsafeRawPointer(storage + lo), key.count) == key
      }
      if span.lo >= 0 { return raw(span, RepeatDepth.nested) }
    }
    return rawField(name)
  }

  /// The body's `msg_id`, when present (it may be `null`), as `rawField` gives a field.
  public var rawMsgID: RawJSON? { raw(spans.msgID, RepeatDepth.nested) }

  @inline(__always) func raw(_ span: Span, _ depths: UInt8) -> RawJSON? {
    guard span.lo >= 0 else { return nil }
    return RawJSON(
      UnsafeRawBufferPointer(start: storage + span.lo, count: span.hi &- span.lo),
      mayRepeatKeys: repeats & depths != 0)
  }

  /// The body's field `key` (its last occurrence).
  public func field(_ key: String) -> RawValue? {
    fieldSpan(key).flatMap { value($0, RepeatDepth.nested) }
  }
}

/// One value of a `RawMessage`, passed through as it came: read it, write it in Python's format
/// (transcoded from its bytes, no tree), or keep it (it keeps its message's copy alive).
public struct RawValue: @unchecked Sendable {
  let message: RawMessage
  let lo: Int
  let hi: Int
  let mayRepeat: Bool

  /// The value as a `RawJSON`, valid while this value lives.
  var raw: RawJSON {
    RawJSON(UnsafeRawBufferPointer(rebasing: message.bytes[lo..<hi]), mayRepeatKeys: mayRepeat)
  }

  /// The value's kind.
  public var kind: RawJSON.Kind { raw.kind }
  /// The number of bytes the value takes in its message.
  public var byteCount: Int { hi - lo }
  /// Whether the value is `null`.
  public var isNull: Bool { raw.isNull }
  /// The value as a tree (an integer that fits in `Int` without a parser).
  public func parsed() -> JSON {
    let r = raw
    if let i = r.intValue { return .int(i) }
    return r.parsed()
  }
  /// The string, if this is a string (escapes decoded).
  public var stringValue: String? { raw.stringValue }
  /// Whether this is the string `s`.
  public func isString(_ s: String) -> Bool { raw.isString(s) }
  /// The integer, if this is an integer that fits in `Int`.
  public var intValue: Int? { raw.intValue }
  /// Appends the value as Python's `json.dumps` prints it.
  public func write(to out: inout [UInt8]) { raw.write(to: &out) }
  /// The text Python's `json.dumps` prints for this value.
  public var pythonText: String { raw.pythonText }
}

extension LineWriter {
  /// Writes the envelope's head, with a `dest` passed through (normally a request's `src`).
  public mutating func open(src: String, dest: RawValue) { open(src: src, dest: dest.raw) }

  /// Writes `"in_reply_to": R` after the first field, `R` passed through from a kept message.
  public mutating func inReplyTo(_ value: RawValue) { inReplyTo(value.raw) }

  /// Writes the envelope's head from a head made once for its sender, with a `dest` passed
  /// through (a request's `src`, written from its bytes).
  public mutating func open(_ head: LineHead, dest: RawValue) {
    putHead(head)
    out.raw(dest.raw)
    openBody()
  }

  /// Writes the envelope's head to the sender of `request`: a `src` of printable ASCII is
  /// written as it came, between quotes; any other is transcoded.
  public mutating func open(_ head: LineHead, dest request: RawMessage) {
    // A plain `src` (`EnvelopeSpans.plainNames`) has no byte below 0x20 or above 0x7F.
    let plain = request.spans.plainNames & 1 != 0
    guard let dest = request.srcKey, plain ? !dest.hasDelete : dest.isPrintableASCII else {
      return open(head, dest: request.src!)
    }
    putHead(head)
    var words = (dest.w0.littleEndian, dest.w1.littleEndian)
    out.ensure(18)
    out.put(0x22)
    withUnsafeBytes(of: &words) {
      out.put($0.baseAddress!.assumingMemoryBound(to: UInt8.self), dest.count)
    }
    out.put(0x22)
    openBody()
  }

  /// Writes a body field whose value is passed through from a kept message.
  public mutating func field(_ key: String, _ value: RawValue) { field(key, value.raw) }
}

/// A name of up to 16 bytes without a backslash (an id, a message type) held as two words and
/// its length: compared with a message's bytes, and kept, with no string made or reference
/// counted. A message's string whose bytes between the quotes are a key's is that key's text
/// (without a backslash there is no escape), so comparing keys compares names.
public struct NameKey: Equatable, Sendable {
  let w0: UInt64
  let w1: UInt64
  let count: Int

  /// The key of `name`; nil when it is longer than 16 bytes or has a backslash.
  public init?(_ name: String) {
    var name = name
    guard let key = name.withUTF8({ NameKey(bytes: UnsafeRawBufferPointer($0)) }) else {
      return nil
    }
    self = key
  }

  /// The key of `bytes`; nil when they are more than 16 or hold a backslash.
  init?(bytes: UnsafeRawBufferPointer) {
    guard bytes.count <= 16 else { return nil }
    var padded: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &padded) { $0.copyMemory(from: bytes) }
    self.init(UInt64(littleEndian: padded.0), UInt64(littleEndian: padded.1), bytes.count)
  }

  /// The key of the `n` (at most 16) bytes at `p`, 16 of which may be read.
  @inline(__always) init?(words p: UnsafeRawPointer, _ n: Int) {
    let a = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    let b = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    let m0: UInt64 = n >= 8 ? ~0 : (1 &<< (8 &* UInt64(n))) &- 1
    let m1: UInt64 = n >= 16 ? ~0 : n <= 8 ? 0 : (1 &<< (8 &* UInt64(n &- 8))) &- 1
    self.init(a & m0, b & m1, n)
  }

  /// The key of the `n` (at most 16) bytes at `p`, 16 of which may be read, known to hold no
  /// backslash.
  @inline(__always) init(plainWords p: UnsafeRawPointer, _ n: Int) {
    let a = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    let b = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    let m0: UInt64 = n >= 8 ? ~0 : (1 &<< (8 &* UInt64(n))) &- 1
    let m1: UInt64 = n >= 16 ? ~0 : n <= 8 ? 0 : (1 &<< (8 &* UInt64(n &- 8))) &- 1
    (w0, w1, count) = (a & m0, b & m1, n)
  }

  @inline(__always) private init?(_ w0: UInt64, _ w1: UInt64, _ n: Int) {
    // A zero byte where a backslash was, found a word at a time (the padding is not one).
    let ones: UInt64 = 0x0101_0101_0101_0101
    let x0 = w0 ^ (ones &* 0x5C)
    let x1 = w1 ^ (ones &* 0x5C)
    guard (x0 &- ones) & ~x0 & (ones &* 0x80) == 0, (x1 &- ones) & ~x1 & (ones &* 0x80) == 0
    else { return nil }
    (self.w0, self.w1, count) = (w0, w1, n)
  }

  /// Whether a byte is DEL (0x7F), which JSON writes escaped (the padding is not one).
  var hasDelete: Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let x0 = w0 ^ (ones &* 0x7F)
    let x1 = w1 ^ (ones &* 0x7F)
    return ((x0 &- ones) & ~x0 | (x1 &- ones) & ~x1) & (ones &* 0x80) != 0
  }

  /// Whether every byte is printable ASCII: then JSON writes it between quotes as it is.
  var isPrintableASCII: Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high = ones &* 0x80
    // A byte of 0x7F or more has its high bit set after adding 1; one below 0x20 (padding
    // aside) is found by subtracting 0x20.
    func bad(_ w: UInt64, _ used: UInt64) -> Bool {
      ((w | ((w & ~high) &+ ones)) & high | ((w &- ones &* 0x20) & ~w & high)) & used != 0
    }
    let u0: UInt64 = count >= 8 ? high : ((1 &<< (8 &* UInt64(count))) &- 1) & high
    let u1: UInt64 =
      count >= 16 ? high : count <= 8 ? 0 : ((1 &<< (8 &* UInt64(count &- 8))) &- 1) & high
    return !bad(w0, u0) && !bad(w1, u1)
  }

  /// The name as a string.
  public var text: String {
    var words = (w0.littleEndian, w1.littleEndian)
    return withUnsafeBytes(of: &words) { String(decoding: $0.prefix(count), as: UTF8.self) }
  }
}

/// One string of a message, made once per message, and kept from one message to the next while
/// its bytes stay the same (a client's id, the node's, `echo`) or come back after one other:
/// then no string is made at all.
struct TextCache {
  var loaded = false
  /// Up to 8 bytes of the last string made, with its length; `count` is -1 when there is none.
  var word: UInt64 = 0
  var count = -1
  var string = ""
  /// The string made before it, the same way: requests and replies from two senders, or of
  /// two types, that alternate hit one or the other.
  var olderWord: UInt64 = 0
  var olderCount = -1
  var olderString = ""

  /// The string value of the (valid) string at `span` in `bytes`, or "" when it is none;
  /// `readable` bytes from the start of `bytes` may be read (a word past the end, masked).
  mutating func text(of span: Span, in bytes: UnsafeRawBufferPointer, readable: Int) -> String {
    if loaded { return string }
    loaded = true
    guard span.lo >= 0 && bytes[span.lo] == UInt8(ascii: "\"") else {
      (word, count, string) = (0, -1, "")
      return string
    }
    let n = span.hi - span.lo - 2
    if n <= 8 && span.lo + 9 <= readable {
      // Up to 8 bytes as one word, those past the string masked off; a backslash among them
      // (found a word at a time) is an escape.
      let ones: UInt64 = 0x0101_0101_0101_0101
      let mask: UInt64 = n == 8 ? ~0 : (1 &<< (8 &* UInt64(n))) &- 1
      let w =
        UInt64(
          littleEndian: bytes.baseAddress!.loadUnaligned(
            fromByteOffset: span.lo + 1, as: UInt64.self)) & mask
      let x = w ^ (ones &* 0x5C)
      let escaped = (x &- ones) & ~x & (ones &* 0x80) & mask != 0
      if !escaped {
        if n == count && w == word { return string }
        swap(&word, &olderWord)
        swap(&count, &olderCount)
        swap(&string, &olderString)
        if n == count && w == word { return string }
        string = TextCache.make(bytes.baseAddress! + span.lo + 1, n)
        (word, count) = (w, n)
        return string
      }
    }
    // Otherwise one pass over the bytes between the quotes: any escape, and the first 8 as a
    // word.
    let p = bytes.baseAddress! + span.lo + 1
    var w: UInt64 = 0
    var k = 0
    while k < n {
      let b = p.load(fromByteOffset: k, as: UInt8.self)
      if b == UInt8(ascii: "\\") { break }
      if k < 8 { w |= UInt64(b) &<< (8 &* UInt64(k)) }
      k &+= 1
    }
    guard k == n else {
      // An escape: decoded, and not cached by its bytes (its bytes are not its text).
      let raw = RawJSON(
        UnsafeRawBufferPointer(rebasing: bytes[span.lo..<span.hi]), mayRepeatKeys: false)
      (word, count, string) = (0, -1, raw.stringValue ?? "")
      return string
    }
    if n <= 8 && n == count && w == word { return string }
    string = TextCache.make(p, n)
    (word, count) = n <= 8 ? (w, n) : (0, -1)
    return string
  }

  /// The string of the `n` bytes at `p`, valid UTF-8 without escapes.
  @inline(__always) static func make(_ p: UnsafeRawPointer, _ n: Int) -> String {
    String(unsafeUninitializedCapacity: n) { buffer in
      UnsafeMutableRawBufferPointer(buffer).copyMemory(
        from: UnsafeRawBufferPointer(start: p, count: n))
      return n
    }
  }
}
