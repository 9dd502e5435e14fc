/// A body kept to be written again and again, each time with a new `msg_id` (a call's request,
/// kept for its retries): its text in Python's format with the value of its top-level `msg_id`
/// left out, and where that value goes. Kept as bytes, it costs what its text takes, and writing
/// it is a copy with the number spliced in: no tree, no copy on write per attempt.
public enum KeptBody {
  /// Where a kept text's `msg_id` value goes: `offset` bytes from the text's start, where its old
  /// value was, or just before the closing brace, and then with its key (`needsKey`).
  public struct Hole: Sendable {
    /// The offset of the value, from the start of the text.
    public let offset: Int
    /// True when the body had no `msg_id`: the key is written too, after the last field.
    public let needsKey: Bool

    /// A hole at `offset`, with its key when `needsKey`.
    public init(offset: Int, needsKey: Bool) {
      self.offset = offset
      self.needsKey = needsKey
    }
  }

  /// Appends the text of `value`, an object passed through from a message, to `out` in Python's
  /// format with its top-level `msg_id` value left out; returns where that value goes.
  public static func append(_ value: RawValue, to out: inout [UInt8]) -> Hole {
    let start = out.count
    value.write(to: &out)
    return punch(&out, from: start)
  }

  /// Appends the text of `object`, as `append(_:to:)` does for a value passed through.
  public static func append(_ object: JSONObject, to out: inout [UInt8]) -> Hole {
    let start = out.count
    JSONWriter.append(.object(object), to: &out)
    return punch(&out, from: start)
  }

  /// Removes the value of the text's top-level `msg_id` (the object from `start` to the end of
  /// `out`), if it has one; returns where a value goes.
  private static func punch(_ out: inout [UInt8], from start: Int) -> Hole {
    let found = out.withUnsafeBytes { b in
      topLevel("msg_id", in: UnsafeRawBufferPointer(rebasing: b[start...]))
    }
    guard let found else { return Hole(offset: out.count - start - 1, needsKey: true) }
    out.removeSubrange((start + found.lo)..<(start + found.hi))
    return Hole(offset: found.lo, needsKey: false)
  }

  /// The string value of the top-level `type` of a kept text, nil when it has none or it is not
  /// a string.
  public static func type(of text: UnsafeRawBufferPointer) -> String? {
    guard let found = topLevel("type", in: text), text[found.lo] == UInt8(ascii: "\"") else {
      return nil
    }
    let raw = RawJSON(
      UnsafeRawBufferPointer(rebasing: text[found.lo..<found.hi]), mayRepeatKeys: false)
    return raw.stringValue
  }

  /// `type(of:)`, returning `last` when the type's text is the same, and keeping the new one in
  /// it otherwise: calls mostly send one type after another, so no string is made.
  public static func type(of text: UnsafeRawBufferPointer, reusing last: inout String?)
    -> String?
  {
    guard let found = topLevel("type", in: text), text[found.lo] == UInt8(ascii: "\"") else {
      return nil
    }
    let inner = UnsafeRawBufferPointer(rebasing: text[(found.lo + 1)..<(found.hi - 1)])
    if var s = last, !inner.contains(UInt8(ascii: "\\")),
      s.withUTF8({ $0.elementsEqual(inner) })
    {
      return s
    }
    let raw = RawJSON(
      UnsafeRawBufferPointer(rebasing: text[found.lo..<found.hi]), mayRepeatKeys: false)
    last = raw.stringValue
    return last
  }

  /// Where the value of the top-level `key` of the object `text` (Python's format, so no key
  /// repeats and no key of ASCII letters is escaped) lies; nil when it has no such key. A kept
  /// text's `msg_id`, whose value was left out, is stepped over.
  static func topLevel(_ key: StaticString, in text: UnsafeRawBufferPointer) -> Span? {
    let p = text.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = text.count
    let k0 = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
    var k = 1
    guard end > 2 else { return nil }
    while true {
      let keyStart = k + 1
      k = Valid.string(p, k, end)
      let isKey = k - 1 - keyStart == k0.count && Valid.same(p + keyStart, k0)
      k += 2  // ": "
      let punched = p[k] == UInt8(ascii: ",") || p[k] == UInt8(ascii: "}")
      let valueEnd = punched ? k : Valid.value(p, k, end)
      if isKey { return Span(lo: k, hi: valueEnd) }
      k = valueEnd
      guard p[k] == UInt8(ascii: ",") else { return nil }
      k += 2  // ", "
    }
  }
}

extension LineWriter {
  /// Writes the fields of a kept body `text` (its braces are the line's), with `msgID` in `hole`.
  public mutating func kept(_ text: UnsafeRawBufferPointer, _ hole: KeptBody.Hole, msgID: Int) {
    let p = text.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let head = hole.offset - 1
    let tail = text.count - 1 - hole.offset
    out.ensure(head + tail + 32)
    out.put(p + 1, head)
    if hole.needsKey {
      if head > 0 {
        out.put(#", "msg_id": "#)
      } else {
        out.put(#""msg_id": "#)
      }
    }
    out.count &+= JSONWriter.writeInt(msgID, to: out.base + out.count)
    out.put(p + hole.offset, tail)
    firstField = false
  }

  /// Writes the envelope's head with `dest` given as its UTF-8 bytes.
  public mutating func open(src: String, destUTF8 dest: UnsafeRawBufferPointer) {
    out.ensure(8)
    out.put(#"{"src": "#)
    JSONWriter.withUTF8(src) { out.string($0) }
    openDest()
    out.string(dest.assumingMemoryBound(to: UInt8.self))
    openBody()
  }
}

extension JSON {
  /// The value of `text`, valid JSON as the node wrote it (Python's format): an integer without
  /// a parser.
  public init(validText text: UnsafeRawBufferPointer) {
    let raw = RawJSON(text, mayRepeatKeys: false)
    if let i = raw.intValue {
      self = .int(i)
    } else {
      self = raw.parsed()
    }
  }
}
