/// Why the byte parser stopped without a value.
enum ParseFailure: Error {
  /// A syntax or content error at this index of the buffer.
  case syntax(Int, String)
  /// The buffer ended inside the value.
  case incomplete
  /// An opening bracket at this index is one level too deep.
  case tooDeep(Int)
}

/// A recursive-descent JSON parser over raw bytes; indexes are positions in `p`.
struct ByteParser {
  let p: UnsafeRawBufferPointer
  var i: Int
  let end: Int
  let maxDepth: Int
  /// Whether `end` is the end of the input, so a number may end there.
  let atEOF: Bool
  var depth = 0
  /// Reused for strings with escapes.
  var scratch: [UInt8] = []
  /// Whether the last string parsed had an escape (so its bytes in `p` are not its UTF-8).
  var lastStringEscaped = false
  /// Where the keys of the objects being skipped begin (see `skipObject`); lent by the caller so
  /// its capacity is reused.
  var keyStarts: [Int] = []
  /// `RepeatDepth` bits: the depths at which `skipValue` met an object whose keys may repeat.
  var repeats: UInt8 = 0

  init(_ p: UnsafeRawBufferPointer, from i: Int, to end: Int, maxDepth: Int, atEOF: Bool) {
    self.p = p
    self.i = i
    self.end = end
    self.maxDepth = maxDepth
    self.atEOF = atEOF
  }

  @inline(__always) mutating func skipWhitespace() {
    while i < end {
      let b = p[i]
      guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
      i += 1
    }
  }

  /// Parses one value starting at `i` (which must not be whitespace).
  /// After a container's element: true after a `,` (and the whitespace after it), false after
  /// the `closing` bracket; anything else is the syntax error `expected`.
  @inline(__always) mutating func another(closing: UInt8, _ expected: StaticString)
    throws(ParseFailure) -> Bool
  {
    skipWhitespace()
    guard i < end else { throw .incomplete }
    let c = p[i]
    i += 1
    if c == UInt8(ascii: ",") {
      skipWhitespace()
      return true
    }
    if c == closing { return false }
    throw .syntax(i - 1, "\(expected)")
  }

  mutating func parseValue() throws(ParseFailure) -> JSON {
    guard i < end else { throw .incomplete }
    switch p[i] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try literal(Literals.true)
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal(Literals.false)
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal(Literals.null)
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try parseNumber()
    default:
      throw .syntax(i, "expected value")
    }
  }

  mutating func literal(_ word: StaticString) throws(ParseFailure) {
    let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for k in 0..<w.count {
      guard i < end else { throw .incomplete }
      guard p[i] == w[k] else { throw .syntax(i, "invalid literal") }
      i += 1
    }
  }

  /// Steps into the array or object whose opening bracket is at `i`, one level deeper (at most
  /// `maxDepth`); returns true, having stepped out again, when `closing` follows at once.
  @inline(__always) mutating func enter(closing: UInt8) throws(ParseFailure) -> Bool {
    if depth == maxDepth { throw .tooDeep(i) }
    depth += 1
    i += 1
    skipWhitespace()
    guard i < end else { throw .incomplete }
    guard p[i] == closing else { return false }
    i += 1
    depth -= 1
    return true
  }

  mutating func parseArray() throws(ParseFailure) -> JSON {
    if try enter(closing: UInt8(ascii: "]")) { return .array([]) }
    var items: [JSON] = []
    items.reserveCapacity(4)
    while true {
      items.append(try parseValue())
      guard try another(closing: UInt8(ascii: "]"), "expected ',' or ']' in array") else { break }
    }
    depth -= 1
    return .array(items)
  }

  mutating func parseObject() throws(ParseFailure) -> JSON {
    if try enter(closing: UInt8(ascii: "}")) { return .object(JSONObject()) }
    var fields = FieldCollector()
    // Signatures of the keys so far, all unescaped: a key whose signature is not among them is
    // new, so repeated keys are looked for only on a match.
    var signatures: UInt64 = 0
    var escapedKeys = false
    while true {
      guard i < end else { throw .incomplete }
      guard p[i] == UInt8(ascii: "\"") else { throw .syntax(i, "expected string key in object") }
      let keyStart = i + 1
      let key = try parseString()
      var mayRepeat = true
      if !lastStringEscaped && !escapedKeys {
        let bit = keySignature(keyStart, i - 1)
        mayRepeat = signatures & bit != 0
        signatures |= bit
      } else {
        escapedKeys = true
      }
      skipWhitespace()
      guard i < end else { throw .incomplete }
      guard p[i] == UInt8(ascii: ":") else { throw .syntax(i, "expected ':' after object key") }
      i += 1
      skipWhitespace()
      fields.insert(key, try parseValue(), mayRepeat: mayRepeat)
      guard try another(closing: UInt8(ascii: "}"), "expected ',' or '}' in object") else { break }
    }
    depth -= 1
    return .object(JSONObject(fields.take()))
  }

  /// One of 64 bits, from the length and the first and last bytes of the key `lo..<hi`; equal
  /// unescaped keys have equal bytes, so equal signatures.
  @inline(__always) func keySignature(_ lo: Int, _ hi: Int) -> UInt64 {
    let n = hi - lo
    guard n > 0 else { return 1 }
    return Self.signature(n, p[lo], p[hi - 1])
  }

  /// One of 64 bits, from a key's length and its first and last bytes.
  @inline(__always) static func signature(_ n: Int, _ first: UInt8, _ last: UInt8) -> UInt64 {
    guard n > 0 else { return 1 }
    let h = UInt64(n) &* 0x9E37 &+ UInt64(first) &* 31 &+ UInt64(last)
    return 1 << (h & 63)
  }
}

/// The words `true`, `false` and `null`.
enum Literals {
  static let `true`: StaticString = "true"
  static let `false`: StaticString = "false"
  static let null: StaticString = "null"
}

/// A key compared and hashed by its Unicode scalars, as Python compares keys (Swift's `String`
/// equality would merge canonically equivalent keys).
struct ScalarKey: Hashable {
  let text: String
  static func == (a: ScalarKey, b: ScalarKey) -> Bool { sameScalars(a.text, b.text) }
  func hash(into h: inout Hasher) {
    for b in text.utf8 { h.combine(b) }
  }
}

/// Whether two strings have the same scalars. `==` decides quickly (it compares bytes for ASCII)
/// and scalar equality implies it; only non-ASCII matches are checked scalar by scalar.
@inline(__always) func sameScalars(_ a: String, _ b: String) -> Bool {
  guard a.utf8.count == b.utf8.count, a == b else { return false }
  return a.utf8.allSatisfy { $0 < 0x80 } || a.utf8.elementsEqual(b.utf8)
}

/// Collects an object's fields: a repeated key keeps its first position and takes the last
/// value; a linear scan for small objects, a hash index above 16 keys so thousands stay linear.
struct FieldCollector {
  var fields: [JSONObject.Field]
  var index: [ScalarKey: Int]? = nil

  init() {
    fields = []
    fields.reserveCapacity(8)  // one allocation for a typical message body
  }

  /// Adds a field; `mayRepeat` false promises that `key` is not among the fields yet.
  @inline(__always) mutating func insert(
    _ key: consuming String, _ value: consuming JSON, mayRepeat: Bool
  ) {
    if index == nil {
      if mayRepeat {
        for k in fields.indices where sameScalars(fields[k].key, key) {
          fields[k].value = value
          return
        }
      }
      fields.append(JSONObject.Field(key, value))
      if fields.count > 16 { buildIndex() }
      return
    }
    insertIndexed(key, value)
  }

  mutating func buildIndex() {
    var built: [ScalarKey: Int] = [:]
    built.reserveCapacity(64)
    for k in fields.indices { built[ScalarKey(text: fields[k].key)] = k }
    index = built
  }

  mutating func insertIndexed(_ key: String, _ value: JSON) {
    let k = ScalarKey(text: key)
    if let at = index![k] {
      fields[at].value = value
    } else {
      index![k] = fields.count
      fields.append(JSONObject.Field(key, value))
    }
  }

  /// The fields, leaving the collector empty.
  mutating func take() -> [JSONObject.Field] {
    var taken: [JSONObject.Field] = []
    swap(&taken, &fields)
    return taken
  }
}
