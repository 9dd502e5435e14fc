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
  var cachedSrc: String?
  var cachedDest: String?
  var cachedType: String?

  /// An empty message, with room for a typical one.
  public init() {
    capacity = 256
    storage = .allocate(byteCount: capacity, alignment: 8)
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
    (cachedSrc, cachedDest, cachedType) = (nil, nil, nil)
  }

  /// `src` as a string (made once), or "" when it is not one.
  public var srcText: String {
    if let s = cachedSrc { return s }
    let s = src?.stringValue ?? ""
    cachedSrc = s
    return s
  }

  /// `dest` as a string (made once), or "" when it is not one.
  public var destText: String {
    if let s = cachedDest { return s }
    let s = dest?.stringValue ?? ""
    cachedDest = s
    return s
  }

  /// The body's `type` as a string (made once), or "" when it is not one.
  public var typeText: String {
    if let s = cachedType { return s }
    let s = type?.stringValue ?? ""
    cachedType = s
    return s
  }

  /// Whether a message this large is worth keeping for reuse (a burst may have grown it).
  public var isModest: Bool { capacity <= 1 << 16 }

  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

  /// The view of the copy; valid while this object lives and is not reloaded.
  var view: MessageView { MessageView(bytes: bytes, spans: spans, repeats: repeats) }

  func value(_ raw: RawJSON?) -> RawValue? {
    guard let raw else { return nil }
    let lo = raw.bytes.baseAddress! - UnsafeRawPointer(storage)
    return RawValue(message: self, lo: lo, hi: lo + raw.bytes.count, mayRepeat: raw.mayRepeatKeys)
  }

  /// The sender, `src`.
  public var src: RawValue? { value(view.src) }
  /// The receiver, `dest`.
  public var dest: RawValue? { value(view.dest) }
  /// The `body`.
  public var body: RawValue? { value(view.body) }
  /// The body's `type`.
  public var type: RawValue? { value(view.type) }
  /// The body's `msg_id`, when present (it may be `null`).
  public var msgID: RawValue? { value(view.msgID) }
  /// The body's `in_reply_to`, when present (it may be `null`).
  public var inReplyTo: RawValue? { value(view.inReplyTo) }
  /// The whole message.
  public var whole: RawValue { value(view.whole)! }

  /// The body's field `key` (its last occurrence). O(size of the body).
  public func field(_ key: String) -> RawValue? { value(view.field(key)) }
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

extension MessageView {
  init(bytes: UnsafeRawBufferPointer, spans: EnvelopeSpans, repeats: UInt8) {
    self.bytes = bytes
    self.spans = spans
    self.repeats = repeats
  }
}

extension LineWriter {
  /// Writes the envelope's head, with a `dest` passed through (normally a request's `src`).
  public mutating func open(src: String, dest: RawValue) { open(src: src, dest: dest.raw) }

  /// Writes a body field whose value is passed through from a kept message.
  public mutating func field(_ key: String, _ value: RawValue) { field(key, value.raw) }
}
