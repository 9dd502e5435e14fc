extension StreamParser {
  /// Consumes what it can of `p` (whose first byte is at stream offset `base`) and returns the
  /// index from which the bytes must be kept for the next chunk (`p.count` when none).
  mutating func run(
    _ p: UnsafeRawBufferPointer, base: Int, _ views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) -> Int {
    var i = 0
    let end = p.count
    while i < end {
      switch mode {
      case .skippingLine:
        while i < end && p[i] != 0x0A { i += 1 }
        if i == end { return end }
        i += 1
        lineHasContent = false
        mode = .between
      case .between:
        while i < end {
          let b = p[i]
          if b == 0x0A {
            lineHasContent = false
          } else if b != 0x20 && b != 0x09 && b != 0x0D {
            break
          }
          i += 1
        }
        if i == end { return end }
        valueStartsLine = !lineHasContent
        lineHasContent = true
        if let views, let e = offer(p, from: i, to: p.count, atEOF: false, views, emit) {
          i = e
        } else {
          i = parseInPlace(p, from: i, base: base, emit)
        }
      case .scanning(var scanner, let scanned):
        mode = .between  // so the scanner's stack is not shared while it runs
        let s = i
        var j = s + scanned
        let limit = end - s > maxValueBytes ? s + maxValueBytes : end
        switch scanner.run(p, &j, limit) {
        case .needMore:
          guard limit < end else {
            mode = .scanning(scanner, scanned: j - s)
            return s
          }
          if let (at, why) = earlierProblem(p, s, limit) {
            i = fail(at: at, reason: why, start: s, p, base, emit)
            continue
          }
          let reason = "value larger than \(maxValueBytes) bytes"
          emit(.malformed(.at(s, in: p, base: base, reason: reason)))
          scanner.discarding = true
          mode = .discarding(scanner)
          i = j
        case .complete(let e):
          if let views, let after = offer(p, from: s, to: e, atEOF: true, views, emit) {
            i = after
            continue
          }
          var parser = ByteParser(p, from: s, to: e, maxDepth: maxDepth, atEOF: true)
          do throws(ParseFailure) {
            emit(.value(try parser.parseValue()))
            i = e
          } catch {
            let (at, reason) = describe(error, p)
            i = fail(at: at, reason: reason, start: s, p, base, emit)
          }
        case .error(let e, let reason):
          let (at, why) = earlierProblem(p, s, e + 1) ?? (e, reason)
          i = fail(at: at, reason: why, start: s, p, base, emit)
        case .tooDeep(let e):
          if let (at, why) = earlierProblem(p, s, e + 1) {
            i = fail(at: at, reason: why, start: s, p, base, emit)
            continue
          }
          emit(.malformed(.at(e, in: p, base: base, reason: "nesting deeper than \(maxDepth)")))
          mode = .discarding(scanner)
          i = j
        }
      case .discarding(var scanner):
        mode = .between
        switch scanner.run(p, &i, end) {
        case .needMore:
          mode = .discarding(scanner)
          return end
        case .complete(let e):
          i = e
        case .error(let e, _), .tooDeep(let e):
          // Already reported: resume silently by the same rule as for a syntax error.
          if scanner.lineFresh {
            lineHasContent = false
            i = e
          } else {
            mode = .skippingLine
            i = e
          }
        }
      }
    }
    return end
  }

  /// Validates the value at `s` as a `MessageView` and offers it to `views`; parses and emits it
  /// if `views` does not take it. Returns where to go on, or nil when the value is not valid
  /// and whole before `end` (the caller then goes the usual way, which reports the problem).
  mutating func offer(
    _ p: UnsafeRawBufferPointer, from s: Int, to end: Int, atEOF: Bool,
    _ views: (MessageView) -> Bool, _ emit: (ParseEvent) -> Void
  ) -> Int? {
    let limit = end - s > maxValueBytes ? s + maxValueBytes : end
    var parser = ByteParser(p, from: s, to: limit, maxDepth: maxDepth, atEOF: atEOF)
    swap(&parser.keyStarts, &keyScratch)
    defer { swap(&parser.keyStarts, &keyScratch) }
    let view: MessageView
    do throws(ParseFailure) {
      view = try MessageView(parsing: &parser)
    } catch {
      return nil
    }
    if !views(view) {
      var tree = ByteParser(p, from: s, to: parser.i, maxDepth: maxDepth, atEOF: true)
      do throws(ParseFailure) {
        emit(.value(try tree.parseValue()))
      } catch {
        preconditionFailure("a validated value failed to parse: \(error)")
      }
    }
    return parser.i
  }

  /// Parses the value at `s` straight from `p` when it lies whole there; otherwise switches to
  /// scanning from `s`. Returns where to go on.
  mutating func parseInPlace(
    _ p: UnsafeRawBufferPointer, from s: Int, base: Int, _ emit: (ParseEvent) -> Void
  ) -> Int {
    let limit = p.count - s > maxValueBytes ? s + maxValueBytes : p.count
    var parser = ByteParser(p, from: s, to: limit, maxDepth: maxDepth, atEOF: false)
    do throws(ParseFailure) {
      emit(.value(try parser.parseValue()))
      return parser.i
    } catch {
      switch error {
      case .syntax(let at, let reason):
        return fail(at: at, reason: reason, start: s, p, base, emit)
      case .incomplete, .tooDeep:
        mode = .scanning(Scanner(maxDepth: maxDepth, lineFresh: valueStartsLine), scanned: 0)
        return s
      }
    }
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

  /// Reports a problem at `e` in the value that started at `s`, and returns where to resume.
  mutating func fail(
    at e: Int, reason: String, start s: Int, _ p: UnsafeRawBufferPointer, _ base: Int,
    _ emit: (ParseEvent) -> Void
  ) -> Int {
    emit(.malformed(.at(e, in: p, base: base, reason: reason)))
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
