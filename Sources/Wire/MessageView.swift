/// One complete, valid JSON value read lazily as a Maelstrom message: the envelope's `src`,
/// `dest` and `body`, the body's `type`, `msg_id` and `in_reply_to`, and any body field by key,
/// each as a `RawJSON` over the input bytes. Validating it checks exactly what the tree parser
/// checks; nothing is built.
///
/// A repeated key keeps its last value, as in Python's `dict`. It points into the input being
/// handled: it is valid only during the callback it was given to.
public struct MessageView {
  /// The value's bytes.
  private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
  var spans = EnvelopeSpans()
  /// `RepeatDepth` bits from validation.
  private(set) var repeats: UInt8 = 0

  /// An empty view, for `walk` to fill.
  init() {}

  /// Validates the value at `parser.i` with the envelope walk alone (`walkEnvelope`), which
  /// takes the common envelope and never crosses a newline; on success `parser.i` is just after
  /// it. False: not taken (`parser` and the view are then unspecified). Filling a view in
  /// place spares copying one made by an initializer (about 40 instructions a message).
  mutating func walk(_ parser: inout ByteParser) -> Bool {
    let start = parser.i
    parser.repeats = 0
    guard parser.walkEnvelope(into: &spans) else { return false }
    bytes = UnsafeRawBufferPointer(rebasing: parser.p[start..<parser.i])
    repeats = parser.repeats
    return true
  }

  /// Validates the value at `parser.i`, leaving `parser.i` just after it.
  init(parsing parser: inout ByteParser) throws(ParseFailure) {
    let start = parser.i
    if walk(&parser) { return }
    // Not the common envelope, or not valid: the full walk, which says why.
    (parser.i, parser.depth, parser.repeats) = (start, 0, 0)
    parser.keyStarts.removeAll(keepingCapacity: true)
    var spans = EnvelopeSpans()
    if start < parser.end && parser.p[start] == UInt8(ascii: "{") {
      try parser.skipEnvelopeObject(level: 1, &spans)
    } else {
      try parser.skipValue()
      spans.notAnObject = true
    }
    bytes = UnsafeRawBufferPointer(rebasing: parser.p[start..<parser.i])
    self.spans = spans.shifted(by: -start)
    repeats = parser.repeats
  }

  /// Whether this is an envelope the fast path can take as it stands: an object whose `src` and
  /// `dest` are strings and whose `body` is an object with a string `type`, none of their keys
  /// escaped. Anything else goes through the tree (and its error replies).
  public var isPlainEnvelope: Bool {
    !spans.notAnObject && !spans.escapedKey && spans.src.isString(in: bytes)
      && spans.dest.isString(in: bytes) && spans.body.starts(with: UInt8(ascii: "{"), in: bytes)
      && spans.type.isString(in: bytes)
  }

  /// The sender, `src`.
  public var src: RawJSON? { raw(spans.src, RepeatDepth.nested) }
  /// The receiver, `dest`.
  public var dest: RawJSON? { raw(spans.dest, RepeatDepth.nested) }
  /// The `body`.
  public var body: RawJSON? { raw(spans.body, RepeatDepth.body | RepeatDepth.nested) }
  /// The body's `type`.
  public var type: RawJSON? { raw(spans.type, RepeatDepth.nested) }
  /// The body's `msg_id`, when present (it may be `null`).
  public var msgID: RawJSON? { raw(spans.msgID, RepeatDepth.nested) }
  /// The body's `in_reply_to`, when present (it may be `null`: the message is a reply anyway).
  public var inReplyTo: RawJSON? { raw(spans.inReplyTo, RepeatDepth.nested) }

  /// The whole value.
  public var whole: RawJSON { RawJSON(bytes, mayRepeatKeys: repeats != 0) }

  /// The value as a tree, as the parser would have built it.
  public func parsed() -> JSON { whole.parsed() }

  /// The body's field `key` (its last occurrence), when the body is an object without escaped
  /// keys. Found among the fields the envelope walk noted, or by walking the body again
  /// (without checking what was checked).
  public func field(_ key: String) -> RawJSON? {
    var key = key
    return key.withUTF8 { k in
      spans.field(k, in: bytes, repeats: repeats).flatMap { raw($0, RepeatDepth.nested) }
    }
  }

  @inline(__always) func raw(_ span: Span, _ depths: UInt8) -> RawJSON? {
    guard span.lo >= 0 else { return nil }
    return RawJSON(
      UnsafeRawBufferPointer(rebasing: bytes[span.lo..<span.hi]),
      mayRepeatKeys: repeats & depths != 0)
  }
}

/// Where one value lies in a message's bytes; `lo` is -1 when it is absent.
struct Span {
  var lo = -1
  var hi = -1

  func isString(in p: UnsafeRawBufferPointer) -> Bool { starts(with: UInt8(ascii: "\""), in: p) }

  func starts(with b: UInt8, in p: UnsafeRawBufferPointer) -> Bool { lo >= 0 && p[lo] == b }
}

/// The envelope's parts found while validating, each at its last occurrence.
struct EnvelopeSpans {
  var src = Span()
  var dest = Span()
  var body = Span()
  var type = Span()
  var msgID = Span()
  var inReplyTo = Span()
  /// Whether a key of the envelope or the body has an escape: then names are not compared.
  var escapedKey = false
  /// Which of `src` (1), `dest` (2) and `type` (4) the envelope walk found to be strings of
  /// plain ASCII: no escape, no byte below 0x20 or above 0x7F (`NameKey` need not look again).
  var plainNames: UInt8 = 0
  /// Whether the value is not an object at all.
  var notAnObject = false
  /// The body's fields, when the envelope walk noted them all.
  var bodyFields = BodyFields()

  /// Notes that `part`, when it is `src`, `dest` or `type`, is a string of plain ASCII.
  @inline(__always) mutating func notePlain(_ part: EnvelopePart) {
    switch part {
    case .src: plainNames |= 1
    case .dest: plainNames |= 2
    case .type: plainNames |= 4
    default: break
    }
  }

  /// Notes where `part` lies (nothing for `.other`).
  @inline(__always) mutating func set(_ part: EnvelopePart, _ span: Span) {
    switch part {
    case .src: src = span
    case .dest: dest = span
    case .body: body = span
    case .type: type = span
    case .msgID: msgID = span
    case .inReplyTo: inReplyTo = span
    case .other: break
    }
  }

  /// The spans moved by `d` bytes.
  func shifted(by d: Int) -> EnvelopeSpans {
    func move(_ s: Span) -> Span { s.lo < 0 ? s : Span(lo: s.lo + d, hi: s.hi + d) }
    var m = self
    (m.src, m.dest, m.body) = (move(src), move(dest), move(body))
    (m.type, m.msgID, m.inReplyTo) = (move(type), move(msgID), move(inReplyTo))
    return m
  }
}

extension ByteParser {
  /// `skipObject` for the envelope (`level` 1) and its body (`level` 2), noting where the parts
  /// of the envelope lie. A later `body` replaces an earlier one, and with it `type`, `msg_id`
  /// and `in_reply_to`.
  mutating func skipEnvelopeObject(level: Int, _ spans: inout EnvelopeSpans) throws(ParseFailure) {
    // `enter(closing:)` spelled out: calling it here cost about 390 instructions an echo
    // (callgrind), the envelope walk being the hottest loop of all.
    if depth == maxDepth { throw .tooDeep(i) }
    depth += 1
    i += 1
    skipWhitespace()
    guard i < end else { throw .incomplete }
    if p[i] == UInt8(ascii: "}") {
      i += 1
      depth -= 1
      return
    }
    var keys = KeyTracker(base: keyStarts.count)
    while true {
      let keyStart = i + 1
      var keyEnd = 0
      let escaped = try skipKey(&keys, exact: false, keyEnd: &keyEnd)
      var part = EnvelopePart.other
      if escaped {
        spans.escapedKey = true
      } else {
        part = envelopePart(keyStart, keyEnd, level: level)
      }
      let valueStart = i
      if part == .body {
        (spans.type, spans.msgID, spans.inReplyTo) = (Span(), Span(), Span())
        if i < end && p[i] == UInt8(ascii: "{") {
          try skipEnvelopeObject(level: 2, &spans)
        } else {
          try skipValue()
        }
      } else {
        try skipValue()
      }
      spans.set(part, Span(lo: valueStart, hi: i))
      guard try another(closing: UInt8(ascii: "}"), "expected ',' or '}' in object") else { break }
    }
    finishKeys(keys)
    depth -= 1
  }

  /// Which part of the envelope the unescaped key `lo..<hi` names.
  @inline(__always) func envelopePart(_ lo: Int, _ hi: Int, level: Int) -> EnvelopePart {
    Self.envelopePart(
      p.baseAddress!.assumingMemoryBound(to: UInt8.self) + lo, hi - lo, level: level)
  }
}

/// The parts of an envelope that `MessageView` finds while validating.
enum EnvelopePart {
  case src, dest, body, type, msgID, inReplyTo, other
}

extension EnvelopeSpans {
  /// Where the body's field `key` lies (an absent span when it has none); nil when the body is
  /// not an object or a key is escaped (then the names are not compared).
  @inline(__always)
  func field(_ key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeRawBufferPointer, repeats: UInt8)
    -> Span?
  {
    guard !escapedKey, body.starts(with: UInt8(ascii: "{"), in: bytes) else { return nil }
    guard bodyFields.count >= 0 else { return walkBody(for: key, in: bytes, repeats: repeats) }
    let k = UnsafeRawPointer(key.baseAddress ?? UnsafePointer(bitPattern: 1)!)
    switch key.count {
    case 4 where KnownStrings.same(k, "type"): return type
    case 6 where KnownStrings.same(k, "msg_id"): return msgID
    case 11 where KnownStrings.same(k, "in_reply_to"): return inReplyTo
    default: return bodyFields.find(key, in: bytes, body: body.lo)
    }
  }

  /// Where the value of the body's last field named `key` lies, found by walking the body. When
  /// validation found no key that may repeat in the body, the first match is the only one and
  /// ends the walk.
  func walkBody(
    for key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeRawBufferPointer, repeats: UInt8
  )
    -> Span
  {
    let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = body.hi
    let unique = repeats & RepeatDepth.body == 0
    var found = Span()
    var k = Valid.whitespace(p, body.lo + 1)
    guard p[k] != UInt8(ascii: "}") else { return found }
    while true {
      let keyStart = k + 1
      k = Valid.string(p, k, end)
      let keyEnd = k - 1
      k = Valid.whitespace(p, Valid.whitespace(p, k) + 1)
      let valueStart = k
      k = Valid.value(p, k, end)
      if keyEnd - keyStart == key.count && Valid.same(p + keyStart, key) {
        found = Span(lo: valueStart, hi: k)
        if unique { return found }
      }
      k = Valid.whitespace(p, k)
      guard p[k] == UInt8(ascii: ",") else { return found }
      k = Valid.whitespace(p, k + 1)
    }
  }
}

/// Where the body's other fields lie (not `type`, `msg_id` or `in_reply_to`, which have spans of
/// their own), key and value, as offsets from the body's `{` packed four to a
/// word (16 bits each: key start and end, value start and end): noted by the envelope walk
/// (whose keys never repeat), so `field(_:)` finds a field
/// without walking the body again. Unknown (`count` -1) after the parser's own walk, for a body
/// of more than `capacity` fields or past 65,535 bytes.
struct BodyFields {
  static let capacity = 4
  var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  var count = -1

  /// Notes field `j` (below `capacity`) as its packed word.
  @inline(__always) mutating func set(_ j: Int, _ word: UInt64) {
    withUnsafeMutableBytes(of: &words) {
      $0.storeBytes(of: word, toByteOffset: j &* 8, as: UInt64.self)
    }
  }

  /// Where the value of the field `key` lies (an absent span when there is none), for the body
  /// whose `{` is at `body` in `bytes`; the fields must be known.
  func find(_ key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeRawBufferPointer, body: Int) -> Span
  {
    let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    return find(body: body) { lo, hi in
      hi &- lo == key.count && (key.isEmpty || Valid.same(base + lo, key))
    }
  }

  /// Where the value of the first field whose key `matches` lies (an absent span when none
  /// does), for the body whose `{` is at `body`; `matches` is given where the key's bytes lie.
  @inline(__always) func find(body: Int, _ matches: (_ lo: Int, _ hi: Int) -> Bool) -> Span {
    withUnsafeBytes(of: words) { w in
      for j in 0..<count {
        let word = w.load(fromByteOffset: j &* 8, as: UInt64.self)
        let lo = body &+ Int(truncatingIfNeeded: word & 0xFFFF)
        let hi = body &+ Int(truncatingIfNeeded: word &>> 16 & 0xFFFF)
        if matches(lo, hi) {
          return Span(
            lo: body &+ Int(truncatingIfNeeded: word &>> 32 & 0xFFFF),
            hi: body &+ Int(truncatingIfNeeded: word &>> 48))
        }
      }
      return Span()
    }
  }
}
