/// One valid JSON value as the bytes it arrived in, read without building a tree: it can be read
/// (`parsed`, `stringValue`, `intValue`), written in Python's `json.dumps` format (`write(to:)`),
/// or copied when kept (`copy()`).
///
/// It points into the input being handled: it is valid only until the handler it was given to
/// returns. Keep a `copy()` (or the `parsed()` tree) for anything that outlives the call.
public struct RawJSON {
  /// Exactly the value's bytes, no whitespace around them; already validated.
  let bytes: UnsafeRawBufferPointer
  /// Whether an object inside may repeat a key: writing then goes through the tree, which keeps
  /// Python's first position and last value.
  let mayRepeatKeys: Bool

  init(_ bytes: UnsafeRawBufferPointer, mayRepeatKeys: Bool) {
    self.bytes = bytes
    self.mayRepeatKeys = mayRepeatKeys
  }

  /// The kinds of JSON values, told by a value's first byte.
  public enum Kind: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool
    /// A number.
    case number
    /// A string.
    case string
    /// An array.
    case array
    /// An object.
    case object
  }

  /// The value's kind.
  @inlinable public var kind: Kind {
    switch first {
    case UInt8(ascii: "n"): return .null
    case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
    case UInt8(ascii: "\""): return .string
    case UInt8(ascii: "["): return .array
    case UInt8(ascii: "{"): return .object
    default: return .number
    }
  }

  @usableFromInline var first: UInt8 { bytes[0] }

  /// The number of bytes the value takes in its input.
  public var byteCount: Int { bytes.count }

  /// Whether the value is `null`.
  @inlinable public var isNull: Bool { first == UInt8(ascii: "n") }

  /// The value as a tree, as the parser would have built it.
  public func parsed() -> JSON {
    var parser = ByteParser(bytes, from: 0, to: bytes.count, maxDepth: Int.max, atEOF: true)
    do throws(ParseFailure) {
      return try parser.parseValue()
    } catch {
      preconditionFailure("a validated value failed to parse: \(error)")
    }
  }

  /// The string, if this is a string (escapes decoded).
  public var stringValue: String? {
    guard first == UInt8(ascii: "\"") else { return nil }
    if let plain = plainString {
      return String(decoding: UnsafeRawBufferPointer(rebasing: plain), as: UTF8.self)
    }
    return parsed().stringValue
  }

  /// A string's bytes between its quotes, when it has no escape (so they are its UTF-8).
  var plainString: Slice<UnsafeRawBufferPointer>? {
    guard first == UInt8(ascii: "\"") else { return nil }
    let n = bytes.count - 1
    var k = 1
    while k < n {
      if bytes[k] == UInt8(ascii: "\\") { return nil }
      k &+= 1
    }
    return bytes[1..<n]
  }

  /// Whether this is the string `s` (compared by scalars, escapes decoded).
  public func isString(_ s: String) -> Bool {
    if let plain = plainString {
      var s = s
      return s.withUTF8 { $0.elementsEqual(plain) }
    }
    guard let v = stringValue else { return false }
    return sameScalars(v, s)
  }

  /// The integer, if this is an integer that fits in `Int`.
  public var intValue: Int? {
    guard bytes.count <= 18 else { return kind == .number ? parsed().intValue : nil }
    guard kind == .number else { return nil }
    var v = 0
    var k = first == UInt8(ascii: "-") ? 1 : 0
    while k < bytes.count {
      let d = bytes[k] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      v = v &* 10 &+ Int(d)
      k += 1
    }
    return first == UInt8(ascii: "-") ? -v : v
  }

  /// Appends the value as Python's `json.dumps(json.loads(text))` prints it.
  public func write(to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RawOutput.stackCapacity) { stack in
      var w = RawOutput(stack)
      w.transcodeValue(self)
      w.flush(to: &out)
    }
  }

  /// The text Python's `json.dumps` prints for this value.
  public var pythonText: String {
    var out: [UInt8] = []
    write(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// An owned copy of the bytes, to keep beyond the handler.
  public func copy() -> JSONText { JSONText(Array(bytes), mayRepeatKeys: mayRepeatKeys) }
}

/// A JSON value kept as the bytes it arrived in (validated), owned: a `RawJSON` that outlives the
/// input it came from.
public struct JSONText: Sendable, Hashable {
  let bytes: [UInt8]
  let mayRepeatKeys: Bool

  init(_ bytes: [UInt8], mayRepeatKeys: Bool) {
    self.bytes = bytes
    self.mayRepeatKeys = mayRepeatKeys
  }

  /// Runs `body` on the value as a `RawJSON`, valid during the call.
  public func withRaw<R>(_ body: (RawJSON) -> R) -> R {
    bytes.withUnsafeBytes { body(RawJSON($0, mayRepeatKeys: mayRepeatKeys)) }
  }

  /// The value as a tree.
  public func parsed() -> JSON { withRaw { $0.parsed() } }

  /// Appends the value as Python's `json.dumps` prints it.
  public func write(to out: inout [UInt8]) { withRaw { $0.write(to: &out) } }
}
