/// Splits a byte stream of whitespace-separated JSON values into parsed values and reports of
/// malformed input, chunk by chunk, in linear time and bounded memory.
///
/// A value that lies whole in a chunk is parsed straight from the chunk. A value that spans
/// chunks is kept in a buffer and followed by a resumable `Scanner`, then parsed once when its
/// end arrives. After a syntax error parsing resumes at the error byte if it is the first
/// non-whitespace byte of its line (and not the start of the failed value), otherwise just after
/// the next newline at or after the error. A value too large or too deep is reported once and
/// discarded without buffering, tracking its structure to find its end.
public struct StreamParser {
  enum Mode {
    /// Between values.
    case between
    /// Inside a value that started at `buffer[0]`; the scanner has seen `scanned` of its bytes.
    case scanning(Scanner, scanned: Int)
    /// Inside a value being discarded.
    case discarding(Scanner)
    /// Skipping to just after the next newline.
    case skippingLine
  }

  let maxValueBytes: Int
  let maxDepth: Int
  var mode = Mode.between
  /// The bytes of the current incomplete value, when it spans chunks.
  var buffer: [UInt8] = []
  /// The stream offset of `buffer[0]`.
  var bufferBase = 0
  /// The number of bytes fed so far.
  var streamOffset = 0
  /// Whether a non-whitespace byte has been seen on the current line.
  var lineHasContent = false
  /// Whether the current value started its line (for the resume rule).
  var valueStartsLine = false
  /// Lent to each validation of a `MessageView`, so its capacity is reused.
  var keyScratch: [Int] = []

  /// Makes a parser that reports values larger than `maxValueBytes` or nested deeper than
  /// `maxDepth`.
  public init(maxValueBytes: Int = 16 * 1024 * 1024, maxDepth: Int = 512) {
    precondition(maxValueBytes > 0 && maxDepth > 0)
    self.maxValueBytes = maxValueBytes
    self.maxDepth = maxDepth
  }

  /// The number of bytes held for the current incomplete value.
  var bufferedByteCount: Int { buffer.count }

  /// Feeds a chunk (it may end mid-value); emits each complete top-level value or problem, in
  /// order.
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (ParseEvent) -> Void) {
    feed(bytes, views: nil, emit)
  }

  /// Feeds a chunk as `feed(_:_:)` does, but offers each complete value first to `views` as a
  /// `MessageView` over its bytes, with no tree built; when `views` returns false (it did not
  /// take the message), the value is parsed and emitted as usual. Input that fails validation
  /// always goes the usual way, so malformed input is reported exactly as by `feed(_:_:)`.
  public mutating func feed(
    _ bytes: UnsafeRawBufferPointer, views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) {
    if bytes.isEmpty { return }
    if buffer.isEmpty {
      let keep = run(bytes, base: streamOffset, views, emit)
      if keep < bytes.count {
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[keep...]))
        bufferBase = streamOffset + keep
      }
    } else {
      buffer.append(contentsOf: bytes)
      let base = bufferBase
      var copy: [UInt8] = []
      swap(&copy, &buffer)  // so `run` may fill `buffer` again while reading `copy`
      let keep = copy.withUnsafeBytes { run($0, base: base, views, emit) }
      precondition(buffer.isEmpty)
      if keep < copy.count {
        copy.removeSubrange(0..<keep)
        buffer = copy
        bufferBase = base + keep
      } else if copy.capacity <= 1 << 20 {
        copy.removeAll(keepingCapacity: true)
        buffer = copy  // keep a modest allocation for the next value that spans chunks
      }
    }
    streamOffset += bytes.count
  }

  /// End of input: a trailing incomplete value is reported as malformed.
  public mutating func finish(_ emit: (ParseEvent) -> Void) {
    if case .scanning = mode {
      buffer.withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: maxDepth, atEOF: true)
        do throws(ParseFailure) {
          let v = try parser.parseValue()
          parser.skipWhitespace()
          if parser.i == p.count {
            emit(.value(v))
            return
          }
          emit(.malformed(.at(parser.i, in: p, base: bufferBase, reason: "expected value")))
        } catch {
          let (at, reason) = describe(error, p)
          emit(.malformed(.at(at, in: p, base: bufferBase, reason: reason)))
        }
      }
    }
    mode = .between
    buffer = []
    lineHasContent = false
  }

  func describe(_ failure: ParseFailure, _ p: UnsafeRawBufferPointer) -> (Int, String) {
    switch failure {
    case .syntax(let at, let reason): return (at, reason)
    case .incomplete: return (p.count, "unexpected end of input")
    case .tooDeep(let at): return (at, "nesting deeper than \(maxDepth)")
    }
  }
}
