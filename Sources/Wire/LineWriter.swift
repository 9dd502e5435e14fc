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
    putHead(head)
    if let texts {
      out.dest(dest, in: texts + 1 + QuotedText.keyPlaces)
    } else {
      JSONWriter.withUTF8(dest) { out.string($0) }
    }
    openBody()
  }

  @inline(__always) mutating func putHead(_ head: LineHead) {
    head.bytes.withUnsafeBufferPointer { h in
      out.ensure(h.count)
      out.put(h.baseAddress!, h.count)
    }
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
