/// A problem in the input: where it is, what is wrong, and the line it is on.
public struct MalformedInput: Error, Equatable, Sendable {
  /// The byte offset in the whole stream (or in the text, for `JSON.parse`).
  public var offset: Int
  /// The line of the offset, from 1.
  public var line: Int
  /// The column of the offset in its line, in bytes, from 1.
  public var column: Int
  /// What is wrong, such as `expected ',' or '}' in object`.
  public var reason: String
  /// The offending line from its start (cut short, with the bytes around the problem when it
  /// lies far into the line), non-printable bytes written as `\xNN`.
  public var excerpt: String

  /// Makes a problem report from its parts.
  public init(offset: Int, line: Int, column: Int, reason: String, excerpt: String) {
    self.offset = offset
    self.line = line
    self.column = column
    self.reason = reason
    self.excerpt = excerpt
  }

  /// One line for a log:
  /// `<reason> at line <line> column <column> (byte <offset>) near "<excerpt>"`.
  public var description: String {
    "\(reason) at line \(line) column \(column) (byte \(offset)) near \"\(excerpt)\""
  }

  /// Builds a report for the byte at `index` of `bytes`, which hold a whole text.
  static func at(_ index: Int, in bytes: UnsafeRawBufferPointer, reason: String) -> MalformedInput {
    var cursor = LineCursor()
    return cursor.locate(index, in: bytes, base: 0, reason: reason)
  }

  /// Appends `bytes` to `text` as they go between quotes in a log line: `"` and `\\` escaped,
  /// anything not printable ASCII as `\xNN`.
  static func escape<Bytes: Sequence<UInt8>>(_ bytes: Bytes, into text: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    for b in bytes {
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
        text.append(UInt8(ascii: "\\"))
        text.append(b)
      } else if b >= 0x20 && b < 0x7F {
        text.append(b)
      } else {
        text.append(UInt8(ascii: "\\"))
        text.append(UInt8(ascii: "x"))
        text.append(hex.utf8Start[Int(b >> 4)])
        text.append(hex.utf8Start[Int(b & 15)])
      }
    }
  }
}

/// What a `StreamParser` finds in its input: a complete value, or a problem it skipped.
public enum ParseEvent: Sendable, Equatable {
  /// A complete top-level value.
  case value(JSON)
  /// Malformed input, reported once; parsing went on after it.
  case malformed(MalformedInput)
}
