extension StreamParser {
  /// Consumes what it can of `p` (whose first byte is at stream offset `base`) and returns the
  /// index from which the bytes must be kept for the next chunk (`p.count` when none).
  mutating func run(
    _ p: UnsafeRawBufferPointer, base: Int, _ views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) -> Int {
    var i = 0
    let end = p.count
    // The end of the line the last in-place parse looked at: one search per line, however many
    // values it holds.
    var lineEnd = -1
    while i < end {
      // Between values, the mode is tested without a copy: the switch below binds the scanner,
      // which copies the whole mode first (about 90 instructions a message, callgrind).
      if case .between = mode {
        // Value after value while the mode stays `.between` (`parseInPlace` may change it).
        while i < end {
          let b = p[i]
          if b == 0x0A {
            lineHasContent = false
          } else if b != 0x20 && b != 0x09 && b != 0x0D {
            valueStartsLine = !lineHasContent
            lineHasContent = true
            // The first value of a line is walked before its line's end is known: one the walk
            // takes holds no newline, so the line ends at the first newline after it, just
            // after it as a rule. That spares a search over the line (about 100 instructions
            // an echo).
            if lineEnd < i, let views,
              let e = offer(p, from: i, to: end, atEOF: false, walkOnly: true, views, emit)
            {
              lineEnd = e < end && p[e] == 0x0A ? e : Newlines.first(p, from: e, to: end)
              if lineEnd < end { lines.passLine(p, base: base, from: i, newline: lineEnd) }
              i = e
              continue
            }
            if lineEnd < i {
              lineEnd = Newlines.first(p, from: i, to: end)
              // Known to hold one newline, at its end: the line cursor need not count it again.
              if lineEnd < end { lines.passLine(p, base: base, from: i, newline: lineEnd) }
            }
            // A message whole in its line is offered as a view first, with no tree; anything
            // else (malformed, cut, longer than its line) goes the usual way, by the resync
            // rules.
            if let views,
              let e = offer(p, from: i, to: min(lineEnd, end), atEOF: false, views, emit)
            {
              i = e
              continue
            }
            i = parseInPlace(p, from: i, lineEnd: lineEnd, base: base, emit)
            break
          }
          i += 1
        }
        continue
      }
      switch mode {
      case .between:
        break  // taken above
      case .skippingLine:
        i = Newlines.first(p, from: i, to: end)
        if i == end { return end }
        i += 1
        lineHasContent = false
        mode = .between
      case .scanning(var scanner, let scanned, var candidate):
        mode = .between  // so the scanner's stack is not shared while it runs
        let s = i
        let limit = end - s > maxValueBytes ? s + maxValueBytes : end
        if var c = candidate {
          switch c.advance(p, valueStart: s, limit: limit) {
          case .needMore where limit == end:
            mode = .scanning(scanner, scanned: scanned, candidate: c)
            return s
          case .cut:
            i = cut(s, before: s + c.start, p, base, emit)
            continue
          case .needMore, .noCut:
            scanner.candidateRejected = true
            candidate = nil
          }
        }
        guard
          let next = scan(
            &scanner, from: s, scanned: scanned, limit: limit, p, base, views, emit)
        else { return s }
        i = next
      }
    }
    return end
  }

  /// Runs the scanner over the value that started at `s`, of which `scanned` bytes were seen,
  /// and acts on what it finds: returns where to go on, in the mode it set, or nil when the
  /// bytes ran out (the mode holds the scanner; the bytes from `s` must be kept).
  ///
  /// A malformed value is reported once, at its first problem (the full parse may find one the
  /// scanner passed over: invalid UTF-8, a lone surrogate, a number out of range), and parsing
  /// goes on from where the scanner stopped, never before: each byte is scanned once whatever
  /// the problems, and chunking never changes what is reported.
  mutating func scan(
    _ scanner: inout Scanner, from s: Int, scanned: Int, limit: Int,
    _ p: UnsafeRawBufferPointer, _ base: Int, _ views: ((MessageView) -> Bool)?,
    _ emit: (ParseEvent) -> Void
  ) -> Int? {
    var j = s + scanned
    switch scanner.run(p, &j, limit) {
    case .needMore:
      guard limit < p.count else {
        mode = .scanning(scanner, scanned: j - s, candidate: nil)
        return nil
      }
      let (at, why) = earlierProblem(p, s, limit) ?? (s, "value larger than \(maxValueBytes) bytes")
      report(at, p, base, why, emit)
      mode = .skippingLine  // to the end of the line where the limit was crossed
      return limit
    case .candidate(let c):
      let line = CutCandidate(start: c - s, maxDepth: maxDepth)
      mode = .scanning(scanner, scanned: c - s, candidate: line)
      return s  // the loop looks at the candidate's line next
    case .complete(let e):
      if let views, let after = offer(p, from: s, to: e, atEOF: true, views, emit) {
        return after
      }
      var parser = ByteParser(p, from: s, to: e, maxDepth: maxDepth, atEOF: true)
      do throws(ParseFailure) {
        emit(.value(try parser.parseValue()))
        return e
      } catch {
        let (at, reason) = describe(error, p)
        report(at, p, base, reason, emit)
        mode = .skippingLine  // to the end of the line the value ends on
        return e
      }
    case .error(let e, let reason):
      let (at, why) = earlierProblem(p, s, e + 1) ?? (e, reason)
      report(at, p, base, why, emit)
      return resume(at: e, start: s, p)
    case .tooDeep(let e):
      let (at, why) = earlierProblem(p, s, e + 1) ?? (e, "nesting deeper than \(maxDepth)")
      report(at, p, base, why, emit)
      mode = .skippingLine  // to the end of the line where the limit was crossed
      return e + 1
    }
  }

  /// Validates the value at `s` as a `MessageView` and offers it to `views`; parses and emits it
  /// if `views` does not take it. Returns where to go on, or nil when the value is not valid
  /// and whole before `end` (the caller then goes the usual way, which reports the problem).
  /// With `walkOnly`, only the envelope walk is tried, and nil also means it did not take the
  /// value (nothing is emitted then): a value it takes lies whole in its line, however far `end`
  /// is.
  mutating func offer(
    _ p: UnsafeRawBufferPointer, from s: Int, to end: Int, atEOF: Bool, walkOnly: Bool = false,
    _ views: (MessageView) -> Bool, _ emit: (ParseEvent) -> Void
  ) -> Int? {
    let limit = end - s > maxValueBytes ? s + maxValueBytes : end
    var parser = ByteParser(p, from: s, to: limit, maxDepth: maxDepth, atEOF: atEOF)
    swap(&parser.keyStarts, &keyScratch)
    defer { swap(&parser.keyStarts, &keyScratch) }
    var view = MessageView()
    if walkOnly {
      guard view.walk(&parser) else { return nil }
    } else {
      do throws(ParseFailure) {
        view = try MessageView(parsing: &parser)
      } catch {
        return nil
      }
    }
    deliver(view, p, from: s, to: parser.i, views, emit)
    return parser.i
  }

  /// Offers the valid value `view` (`p[s..<e]`) to `views`; parses and emits it if `views` does
  /// not take it.
  @inline(__always) func deliver(
    _ view: MessageView, _ p: UnsafeRawBufferPointer, from s: Int, to e: Int,
    _ views: (MessageView) -> Bool, _ emit: (ParseEvent) -> Void
  ) {
    if views(view) { return }
    var tree = ByteParser(p, from: s, to: e, maxDepth: maxDepth, atEOF: true)
    do throws(ParseFailure) {
      emit(.value(try tree.parseValue()))
    } catch {
      preconditionFailure("a validated value failed to parse: \(error)")
    }
  }
}
