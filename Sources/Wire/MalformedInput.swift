/// A problem in the input: where it is, what is wrong, and the bytes around it.
public struct MalformedInput: Error, Equatable, Sendable {
  /// The byte offset in the whole stream (or in the text, for `JSON.parse`).
  public var offset: Int
  /// What is wrong, such as `expected ',' or '}' in object`.
  public var reason: String
  /// Up to about 40 bytes around the offset, non-printable bytes written as `\xNN`.
  public var excerpt: String

  /// Makes a problem report from its parts.
  public init(offset: Int, reason: String, excerpt: String) {
    self.offset = offset
    self.reason = reason
    self.excerpt = excerpt
  }

  /// One line for a log: `<reason> at byte <offset> near "<excerpt>"`.
  public var description: String {
    "\(reason) at byte \(offset) near \"\(excerpt)\""
  }

  /// Builds a report for the byte at `index` of `bytes`, whose first byte is at stream offset
  /// `base`; the excerpt is taken from the bytes at hand, 20 either side.
  static func at(
    _ index: Int, in bytes: UnsafeRawBufferPointer, base: Int, reason: String
  ) -> MalformedInput {
    let lo = max(0, index - 20)
    let hi = min(bytes.count, index + 20)
    var text: [UInt8] = []
    text.reserveCapacity(hi > lo ? (hi - lo) * 2 : 0)
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    var k = lo
    while k < hi {
      let b = bytes[k]
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
        text.append(UInt8(ascii: "\\"))
        text.append(b)
      } else if b >= 0x20 && b < 0x7F {
        text.append(b)
      } else {
        text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x")])
        text.append(hex[Int(b >> 4)])
        text.append(hex[Int(b & 15)])
      }
      k += 1
    }
    return MalformedInput(
      offset: base + index, reason: reason, excerpt: String(decoding: text, as: UTF8.self))
  }
}

/// What a `StreamParser` finds in its input: a complete value, or a problem it skipped.
public enum ParseEvent: Sendable, Equatable {
  /// A complete top-level value.
  case value(JSON)
  /// Malformed input, reported once; parsing went on after it.
  case malformed(MalformedInput)
}
