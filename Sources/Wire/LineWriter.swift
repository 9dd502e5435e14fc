/// Writes one message line, `{"src": S, "dest": D, "body": {FIELDS}}` and a newline, straight
/// into an output buffer in Python's `json.dumps` format: values passed through are transcoded
/// from their input bytes, with no tree. Made by `JSONWriter.appendLine`.
public struct LineWriter: ~Copyable {
  var out: RawOutput
  var firstField = true
  /// The texts of the type, keys and dests written in earlier lines (`QuotedText.slots`); nil
  /// when the line is written without a `LineBuffer`.
  var texts: UnsafeMutablePointer<QuotedText>? = nil
  /// The last msg_id written in an earlier line, and its digits; nil as `texts` is.
  var lastID: UnsafeMutablePointer<LastID>? = nil
  /// The body's keys written so far.
  var keyCount = 0

  /// Writes the envelope's head, `{"src": S, "dest": D, "body": {`.
  public mutating func open(src: String, dest: String) {
    out.ensure(8)
    out.put(#"{"src": "#)
    JSONWriter.withUTF8(src) { out.string($0) }
    openDest()
    JSONWriter.withUTF8(dest) { out.string($0) }
    openBody()
  }

  /// Writes the envelope's head from a head made once for its sender.
  public mutating func open(_ head: LineHead, dest: String) {
    head.bytes.withUnsafeBufferPointer { h in
      out.ensure(h.count)
      out.put(h.baseAddress!, h.count)
    }
    if let texts {
      out.dest(dest, in: texts + 1 + QuotedText.keyPlaces)
    } else {
      JSONWriter.withUTF8(dest) { out.string($0) }
    }
    openBody()
  }

  /// Writes the envelope's head, with a `dest` passed through (normally a request's `src`).
  public mutating func open(src: String, dest: RawJSON) {
    out.ensure(8)
    out.put(#"{"src": "#)
    JSONWriter.withUTF8(src) { out.string($0) }
    openDest()
    out.raw(dest)
    openBody()
  }

  @inline(__always) mutating func openDest() {
    out.ensure(10)
    out.put(#", "dest": "#)
  }

  @inline(__always) mutating func openBody() {
    out.ensure(11)
    out.put(#", "body": {"#)
  }

  /// Writes `"key": ` after a separator if a field came before.
  @inline(__always) mutating func key(_ key: String) {
    if !firstField {
      out.ensure(2)
      out.put(", ")
    }
    firstField = false
    // A handler's keys come in the same places line after line: the slot after the type's.
    let slot = keyCount &+ 1
    keyCount &+= 1
    if let texts, slot <= QuotedText.keyPlaces {
      out.string(key, cachedIn: texts + slot)
    } else {
      JSONWriter.withUTF8(key) { out.string($0) }
    }
    out.ensure(2)
    out.put(": ")
  }

  /// Writes a body field whose value is passed through from the input.
  public mutating func field(_ key: String, _ value: RawJSON) {
    self.key(key)
    out.raw(value)
  }

  /// Writes a body field from a tree.
  public mutating func field(_ key: String, _ value: JSON) {
    self.key(key)
    if case .int(let i) = value {
      out.ensure(20)
      out.count &+= JSONWriter.writeInt(i, to: out.base + out.count)
    } else {
      out.value(value)
    }
  }

  /// Writes the body's first field, `"type": T`.
  public mutating func type(_ type: String) {
    precondition(firstField, "type comes first in a body")
    firstField = false
    out.ensure(8)
    out.put(#""type": "#)
    if let texts {
      out.string(type, cachedIn: texts)
    } else {
      JSONWriter.withUTF8(type) { out.string($0) }
    }
  }

  /// Writes a field `"in_reply_to": R` after the first, `R` passed through from the input.
  public mutating func inReplyTo(_ value: RawJSON) {
    precondition(!firstField, "in_reply_to follows the type")
    out.ensure(17)
    out.put(#", "in_reply_to": "#)
    out.raw(value)
  }

  /// Writes the last fields of a reply, `"in_reply_to": R, "msg_id": M`.
  public mutating func reply(inReplyTo: JSON, msgID: Int) {
    field("in_reply_to", inReplyTo)
    self.msgID(msgID)
  }

  /// Writes the last field, `"msg_id": M`.
  public mutating func msgID(_ id: Int) {
    out.ensure(12 + 24)
    if firstField {
      out.put(#""msg_id": "#)
    } else {
      out.put(#", "msg_id": "#)
    }
    firstField = false
    guard let last = lastID else {
      out.count &+= JSONWriter.writeInt(id, to: out.base + out.count)
      return
    }
    // A node numbers what it sends one by one: the last id's digits, counted up (by more than
    // one when a message went another way, a forwarded body's msg_id).
    let step = id &- last.pointee.id
    if step > 0 && step < 10 && last.pointee.countUp(by: step) {
      UnsafeMutableRawPointer(out.base + out.count).storeBytes(
        of: last.pointee.text, as: (UInt64, UInt64, UInt64).self)
      out.count &+= last.pointee.count
    } else {
      let n = JSONWriter.writeInt(id, to: out.base + out.count)
      last.pointee.remember(out.base + out.count, n)
      out.count &+= n
    }
    last.pointee.id = id
  }

  /// Writes a body field whose value is a string.
  public mutating func field(_ key: String, string: String) {
    self.key(key)
    JSONWriter.withUTF8(string) { out.string($0) }
  }

  /// Writes a body field whose value is an integer.
  public mutating func field(_ key: String, int: Int) {
    self.key(key)
    out.ensure(20)
    out.count &+= JSONWriter.writeInt(int, to: out.base + out.count)
  }

  /// Ends the body and the envelope, and the line.
  mutating func close() {
    out.ensure(3)
    out.put("}}\n")
  }
}

extension JSONWriter {
  /// Appends one message line written by `body` (which calls `open` first, then the fields) and
  /// closes it: `{"src": ..., "dest": ..., "body": {...}}` and a newline. Built in a stack
  /// buffer, appended to `out` in one copy.
  public static func appendLine(to out: inout [UInt8], _ body: (inout LineWriter) -> Void) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RawOutput.stackCapacity) { stack in
      var w = LineWriter(out: RawOutput(stack))
      body(&w)
      w.close()
      w.out.flush(to: &out)
    }
  }
}

/// The start of every line a sender writes, `{"src": S, "dest": `, made once for the sender.
public struct LineHead {
  /// The sender.
  public let src: String
  let bytes: [UInt8]

  /// The head of the lines `src` writes.
  public init(src: String) {
    self.src = src
    var bytes: [UInt8] = []
    JSONWriter.appendLine(to: &bytes) { w in
      w.out.ensure(8)
      w.out.put(#"{"src": "#)
      JSONWriter.withUTF8(src) { w.out.string($0) }
      w.openDest()
    }
    // appendLine ends the line with `}}` and a newline: not part of a head.
    self.bytes = Array(bytes.dropLast(3))
  }
}

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
