extension StreamParser {
  /// Parses the value at `s` straight from `p` when it lies whole in its line (which ends at
  /// `lineEnd`, or `p` does) and is well formed; otherwise switches to scanning from `s`.
  /// Returns where to go on.
  mutating func parseInPlace(
    _ p: UnsafeRawBufferPointer, from s: Int, lineEnd: Int, base: Int,
    _ emit: (ParseEvent) -> Void
  ) -> Int {
    let limit = min(lineEnd, p.count - s > maxValueBytes ? s + maxValueBytes : p.count)
    var parser = ByteParser(p, from: s, to: limit, maxDepth: maxDepth, atEOF: false)
    do throws(ParseFailure) {
      emit(.value(try parser.parseValue()))
      return parser.i
    } catch {
      switch error {
      case .syntax:
        // The scanner decides where a malformed value ends, whether it lies whole in its line
        // and chunk or not: it reports the same problem and resumes after it.
        mode = .scanning(Scanner(maxDepth: maxDepth), scanned: 0, candidate: nil)
        return s
      case .tooDeep(let at):
        report(at, p, base, "nesting deeper than \(maxDepth)", emit)
        mode = .skippingLine  // to the end of the line where the limit was crossed
        return at + 1
      case .incomplete:
        // It goes on past its line (or past the chunk): the scanner follows it line by line.
        mode = .scanning(Scanner(maxDepth: maxDepth), scanned: 0, candidate: nil)
        return s
      }
    }
  }

  /// The value that started at `s` is cut short: the line at `c` is a whole message. Reports
  /// the value (at its first problem, if the full parse finds one), and goes on at `c`.
  mutating func cut(
    _ s: Int, before c: Int, _ p: UnsafeRawBufferPointer, _ base: Int,
    _ emit: (ParseEvent) -> Void
  ) -> Int {
    let (at, why) =
      earlierProblem(p, s, c) ?? (
        c - 1, "unfinished value, cut by a whole message on the next line"
      )
    report(at, p, base, why, emit)
    mode = .between
    lineHasContent = false
    return c
  }

  /// The first problem the parser finds in `p[s..<end]`, which may come before the one the
  /// scanner stopped at (invalid UTF-8, a lone surrogate, a number out of range are left to the
  /// parser), so that chunking never changes which problem is reported.
  func earlierProblem(_ p: UnsafeRawBufferPointer, _ s: Int, _ end: Int) -> (Int, String)? {
    var parser = ByteParser(p, from: s, to: end, maxDepth: maxDepth, atEOF: false)
    do throws(ParseFailure) {
      _ = try parser.parseValue()
    } catch {
      if case .syntax(let a, let r) = error { return (a, r) }
    }
    return nil
  }

  /// Where to go on after a syntax error at `e` in the value that started at `s`: at `e` when it
  /// is the first token of its line (the line before was cut), else after the next newline.
  mutating func resume(at e: Int, start s: Int, _ p: UnsafeRawBufferPointer) -> Int {
    mode = .between
    if e > s && firstOnLine(e, s, p) {
      lineHasContent = false
      return e
    }
    mode = .skippingLine
    return e
  }

  /// Whether only whitespace precedes the byte at `e` on its line (the value began at `s`).
  func firstOnLine(_ e: Int, _ s: Int, _ p: UnsafeRawBufferPointer) -> Bool {
    var k = e - 1
    while k >= s {
      let b = p[k]
      if b == 0x0A { return true }
      if b != 0x20 && b != 0x09 && b != 0x0D { return false }
      k -= 1
    }
    return valueStartsLine
  }
}

/// A line that may end the unfinished value before it: it starts with `{` in its first column,
/// and is scanned on its own. It ends that value when it holds one whole object and nothing
/// after it but whitespace; anything else (an error, a newline inside, a byte after the object,
/// the value's size limit) and the value's own scanner takes the line as part of the value.
struct CutCandidate {
  /// What the bytes so far say.
  enum Verdict { case needMore, cut, noCut }

  var scanner: Scanner
  /// Where the line starts, counted from the first byte of the unfinished value.
  let start: Int
  /// How many bytes of the line have been looked at.
  var scanned = 0
  /// Whether the object is whole, so only whitespace may follow on its line.
  private(set) var complete = false

  init(start: Int, maxDepth: Int) {
    self.start = start
    scanner = Scanner(maxDepth: maxDepth, singleLine: true)
  }

  /// Looks at the line's bytes up to `limit` in `p`, where the unfinished value began at `s`.
  mutating func advance(_ p: UnsafeRawBufferPointer, valueStart s: Int, limit: Int) -> Verdict {
    let lineStart = s + start
    var j = lineStart + scanned
    if !complete {
      switch scanner.run(p, &j, limit) {
      case .needMore:
        scanned = j - lineStart
        return .needMore
      case .complete(let e):
        complete = true
        j = e
      case .error, .tooDeep, .candidate:
        return .noCut
      }
    }
    while j < limit {
      let b = p[j]
      if b == 0x0A { return .cut }
      guard b == 0x20 || b == 0x09 || b == 0x0D else { return .noCut }
      j += 1
    }
    scanned = j - lineStart
    return .needMore
  }
}
