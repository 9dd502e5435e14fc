/// Lines and columns of a byte stream, counted lazily: the cursor moves forward only when a
/// problem is located or bytes are about to be dropped, counting the newlines it passes eight
/// bytes at a time, so each byte of the stream is counted once and no parse loop pays for it.
/// It keeps the first `headMax` bytes of the line it is on, so an excerpt can start at the
/// beginning of its line even when that line began in bytes long gone.
struct LineCursor {
  /// The longest excerpt taken from the start of a line.
  static let headMax = 80
  /// How many bytes around the problem an excerpt shows when the problem lies past `headMax`.
  static let around = 24

  /// The stream offset up to which newlines are counted.
  private(set) var offset = 0
  /// The number of newlines before `offset`.
  private(set) var newlines = 0
  /// The stream offset where the line holding `offset` starts.
  private(set) var lineStart = 0
  /// The first bytes of that line (at most `headMax`), as far as `offset`.
  private var head: [UInt8] = []

  init() { head.reserveCapacity(LineCursor.headMax) }

  /// Counts the newlines up to stream offset `base + end`, over `p` (whose first byte is at
  /// stream offset `base`); `p` must hold every byte from `offset` on. Never moves backwards.
  mutating func advance(over p: UnsafeRawBufferPointer, base: Int, to end: Int) {
    let from = offset - base
    guard from < end else { return }
    precondition(from >= 0, "the line cursor skipped bytes")
    let (count, last) = Newlines.count(p, from: from, to: end)
    var start = from
    if count > 0 {
      newlines += count
      lineStart = base + last + 1
      head.removeAll(keepingCapacity: true)
      start = last + 1
    }
    let room = LineCursor.headMax - head.count
    if room > 0 {
      head.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<min(end, start + room)]))
    }
    offset = base + end
  }

  /// A report of `reason` at `p[index]` (`p[0]` at stream offset `base`), with its line,
  /// column and an excerpt from the start of its line. The cursor moves to `index`.
  mutating func locate(
    _ index: Int, in p: UnsafeRawBufferPointer, base: Int, reason: String
  ) -> MalformedInput {
    advance(over: p, base: base, to: index)
    // A problem behind the cursor cannot happen (problems come in stream order); were it to,
    // it is placed on the cursor's line rather than trusted to bytes long gone.
    let at = max(base + index, lineStart)
    let column = at - lineStart + 1
    var text: [UInt8] = []
    text.reserveCapacity(2 * (LineCursor.headMax + 2 * LineCursor.around))
    let lineEnd = Newlines.first(p, from: max(0, index), to: p.count)
    if column - 1 <= LineCursor.headMax {
      MalformedInput.escape(head, into: &text)
      let stop = min(lineEnd, index + LineCursor.around)
      if index < stop { MalformedInput.escape(p[index..<stop], into: &text) }
    } else {
      // Far into a long line: its start, then the bytes around the problem.
      MalformedInput.escape(head[..<(LineCursor.headMax / 2)], into: &text)
      text.append(contentsOf: "...".utf8)
      let lo = max(0, lineStart - base, index - LineCursor.around)
      let hi = min(lineEnd, index + LineCursor.around)
      if lo < hi { MalformedInput.escape(p[lo..<hi], into: &text) }
    }
    return MalformedInput(
      offset: at, line: newlines + 1, column: column, reason: reason,
      excerpt: String(decoding: text, as: UTF8.self))
  }
}
