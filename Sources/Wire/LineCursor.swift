/// Lines and columns of a byte stream, counted lazily and at most once per byte. The stream
/// parser finds the end of each line it parses in place anyway (one search per line), and
/// passes the cursor over that line in one step; what it does not pass, the cursor counts eight
/// bytes at a time when a problem is located or a read's bytes are dropped. The first bytes of
/// a line whose start is dropped are kept, so an excerpt can start at the beginning of its line.
struct LineCursor {
  /// The longest excerpt taken from the start of a line.
  static let headMax = 80
  /// How many bytes after the problem an excerpt shows, and before it when the problem lies
  /// past `headMax`.
  static let around = 24

  /// The stream offset up to which newlines are counted.
  private(set) var offset = 0
  /// The number of newlines before `offset`.
  private(set) var newlines = 0
  /// The stream offset where the line holding `offset` starts.
  private(set) var lineStart = 0
  /// The line passed in one step, just before `offset`: its start (-1 when none) and number.
  /// Its problems are reported after the cursor has passed it.
  private var passedStart = -1
  private var passedLine = 0
  /// The first bytes of the line that starts at stream offset `headStart`, kept because the
  /// bytes at its start were dropped.
  private var head: [UInt8] = []
  private var headStart = -1

  /// Counts the newlines up to stream offset `base + end`, over `p` (whose first byte is at
  /// stream offset `base`); `p` holds every byte from `offset` on. Never moves backwards.
  mutating func advance(over p: UnsafeRawBufferPointer, base: Int, to end: Int) {
    let from = offset - base
    guard from < end else { return }
    precondition(from >= 0, "the line cursor skipped bytes")
    let (count, last) = Newlines.count(p, from: from, to: end)
    if count > 0 {
      newlines += count
      lineStart = base + last + 1
    }
    offset = base + end
    passedStart = -1
  }

  /// Passes the line that starts at `p[i]` and ends at the newline `p[newline]`, which the
  /// caller found with no newline before it: one step, whatever the line's length.
  mutating func passLine(
    _ p: UnsafeRawBufferPointer, base: Int, from i: Int, newline: Int
  ) {
    advance(over: p, base: base, to: i)  // the whitespace since the last line passed
    guard offset == base + i else { return }
    passedStart = lineStart
    passedLine = newlines + 1
    newlines += 1
    offset = base + newline + 1
    lineStart = offset
  }

  /// The bytes of `p` before `keep` are about to be dropped: counts them, and keeps the first
  /// bytes of the line they end in when that line goes on past them.
  mutating func release(_ p: UnsafeRawBufferPointer, base: Int, keep: Int) {
    advance(over: p, base: base, to: keep)
    let start = passedStart >= 0 && base + keep < offset ? passedStart : lineStart
    guard start < base + keep else { return }
    if headStart != start {
      guard start >= base else { return }  // saved by an earlier release, or never needed
      head.removeAll(keepingCapacity: true)
      headStart = start
    }
    let have = start + head.count
    guard head.count < LineCursor.headMax, have >= base, have < base + p.count else { return }
    let upTo = min(p.count, have - base + LineCursor.headMax - head.count)
    head.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[(have - base)..<upTo]))
  }

  /// A report of `reason` at `p[index]` (`p[0]` at stream offset `base`), with its line,
  /// column and an excerpt of its line from the start. Problems come in stream order.
  mutating func locate(
    _ index: Int, in p: UnsafeRawBufferPointer, base: Int, reason: String
  ) -> MalformedInput {
    let at = base + index
    let start: Int
    let line: Int
    if passedStart >= 0 && at < offset && at >= passedStart {
      (start, line) = (passedStart, passedLine)
    } else {
      advance(over: p, base: base, to: index)
      (start, line) = (lineStart, newlines + 1)
    }
    // A byte of the line, from the bytes at hand or the kept head; nil when gone or past it.
    func byte(_ o: Int) -> UInt8? {
      if o >= base && o < base + p.count { return p[o - base] }
      if o >= start && headStart == start && o - start < head.count { return head[o - start] }
      return nil
    }
    var text: [UInt8] = []
    func take(_ range: Range<Int>) {
      for o in range {
        guard let b = byte(o), b != 0x0A else { return }
        text.append(b)
      }
    }
    let column = max(1, at - start + 1)
    if column - 1 <= LineCursor.headMax {
      take(start..<(at + LineCursor.around))
    } else {
      // Far into a long line: its start, then the bytes around the problem.
      take(start..<(start + LineCursor.headMax / 2))
      text.append(contentsOf: "...".utf8)
      take((at - LineCursor.around)..<(at + LineCursor.around))
    }
    var escaped: [UInt8] = []
    escaped.reserveCapacity(text.count + 16)
    MalformedInput.escape(text, into: &escaped)
    return MalformedInput(
      offset: at, line: line, column: column, reason: reason,
      excerpt: String(decoding: escaped, as: UTF8.self))
  }
}
