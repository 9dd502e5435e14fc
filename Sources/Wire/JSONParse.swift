extension JSON {
  /// Parses a text that holds exactly one JSON value (whitespace around it is fine).
  public static func parse(_ text: String) throws(MalformedInput) -> JSON {
    var text = text
    let result: Result<JSON, MalformedInput> = text.withUTF8 { utf8 in
      Result { () throws(MalformedInput) -> JSON in try parse(UnsafeRawBufferPointer(utf8)) }
    }
    return try result.get()
  }

  /// Parses bytes that hold exactly one JSON value (whitespace around it is fine), nested at most
  /// 512 deep.
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(MalformedInput) -> JSON {
    let maxDepth = 512
    var parser = ByteParser(bytes, from: 0, to: bytes.count, maxDepth: maxDepth, atEOF: true)
    do throws(ParseFailure) {
      parser.skipWhitespace()
      let value = try parser.parseValue()
      parser.skipWhitespace()
      if parser.i < bytes.count { throw .syntax(parser.i, "unexpected data after value") }
      return value
    } catch {
      switch error {
      case .syntax(let at, let reason):
        throw .at(at, in: bytes, reason: reason)
      case .incomplete:
        throw .at(bytes.count, in: bytes, reason: "unexpected end of input")
      case .tooDeep(let at):
        throw .at(at, in: bytes, reason: "nesting deeper than \(maxDepth)")
      }
    }
  }

  /// The text Python's `json.dumps` prints for this value.
  public var pythonText: String {
    var out: [UInt8] = []
    JSONWriter.append(self, to: &out)
    return String(decoding: out, as: UTF8.self)
  }
}
