/// Splits a byte stream of whitespace-separated JSON values into parsed values and reports of
/// malformed input, chunk by chunk, in linear time and bounded memory; the events are the same
/// however the stream is cut into chunks.
///
/// A value that lies whole in one line of a chunk is parsed straight from the chunk. A value
/// that spans lines or chunks is kept in a buffer and followed by a resumable `Scanner`, then
/// parsed once when its end arrives. The rules that keep one bad line from costing the next
/// message (SPEC section 2):
/// - a malformed value is reported once, at its first problem; parsing resumes where the
///   value's structure ends or breaks: after a syntax error, at the error byte if it is the
///   first non-whitespace byte of its line (the line before was cut), otherwise just after the
///   next newline;
/// - a value too large or too deep is reported once and discarded up to the end of the line
///   where the limit was crossed;
/// - a line that on its own is one complete object, its `{` in the first column, ends a value
///   left unfinished by earlier lines: that value is reported, the line is read as a value.
///   Indented lines never do, so pretty-printed input reads as before.
///
/// Problems carry their line and column, counted by a `LineCursor`.
public struct StreamParser {
  enum Mode {
    /// Between values.
    case between
    /// Inside a value that started at `buffer[0]`; the scanner has seen `scanned` of its bytes,
    /// and stopped before `candidate`'s line while that line is being looked at.
    case scanning(Scanner, scanned: Int, candidate: CutCandidate?)
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
  /// Lines and columns, for the reports.
  var lines = LineCursor()
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
      readInPlace(bytes, views, emit)
    } else {
      // A value cut by the last chunk most often ends at this chunk's first newline: only the
      // bytes up to it join the held ones, and the rest is read where it lies when that value
      // ended, as if the chunk had come in two (copying every chunk whole cost an echo about
      // 110 instructions).
      let newline = Newlines.first(bytes, from: 0, to: bytes.count)
      if newline &+ 1 < bytes.count {
        let head = UnsafeRawBufferPointer(rebasing: bytes[...newline])
        let rest = UnsafeRawBufferPointer(rebasing: bytes[(newline &+ 1)...])
        readHeld(head, views, emit)
        streamOffset += head.count
        if buffer.isEmpty { readInPlace(rest, views, emit) } else { readHeld(rest, views, emit) }
        streamOffset += rest.count
        return
      }
      readHeld(bytes, views, emit)
    }
    streamOffset += bytes.count
  }

  /// Reads a chunk that starts with no value held: where it lies, keeping only a cut value's
  /// start. `streamOffset` is where the chunk starts.
  private mutating func readInPlace(
    _ bytes: UnsafeRawBufferPointer, _ views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) {
    let keep = run(bytes, base: streamOffset, views, emit)
    lines.release(bytes, base: streamOffset, keep: keep)  // before the bytes are gone
    if keep < bytes.count {
      buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[keep...]))
      bufferBase = streamOffset + keep
    }
  }

  /// Reads a chunk after the held start of a value: appended to it, and read from there.
  private mutating func readHeld(
    _ bytes: UnsafeRawBufferPointer, _ views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) {
    buffer.append(contentsOf: bytes)
    let base = bufferBase
    var copy: [UInt8] = []
    swap(&copy, &buffer)  // so `run` may fill `buffer` again while reading `copy`
    let keep = copy.withUnsafeBytes { p in
      let keep = run(p, base: base, views, emit)
      lines.release(p, base: base, keep: keep)
      return keep
    }
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

  /// End of input: a trailing incomplete value is reported as malformed.
  public mutating func finish(_ emit: (ParseEvent) -> Void) {
    if case .scanning(_, _, let candidate?) = mode, candidate.complete {
      // The end of input ends the candidate's line too: an unterminated last line that is a
      // whole object still ends the value before it.
      withUnsafeBytes(of: UInt8(0x0A)) { feed($0, emit) }
      streamOffset -= 1
      if !buffer.isEmpty { buffer.removeLast() }  // that newline was never input
    }
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
          report(parser.i, p, bufferBase, "expected value", emit)
        } catch {
          let (at, reason) = describe(error, p)
          report(at, p, bufferBase, reason, emit)
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

  /// Emits a report of `reason` at `p[index]` (`p[0]` at stream offset `base`).
  mutating func report(
    _ index: Int, _ p: UnsafeRawBufferPointer, _ base: Int, _ reason: String,
    _ emit: (ParseEvent) -> Void
  ) {
    emit(.malformed(lines.locate(index, in: p, base: base, reason: reason)))
  }
}
