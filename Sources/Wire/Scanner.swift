/// A resumable scanner that follows the JSON grammar byte by byte, without building values: it
/// finds where a value that spans lines or chunks ends, or its first syntax error, in one pass.
/// It stops before a line that may end the value early (a `{` in the first column where a value
/// may start, see `StreamParser`), and, scanning such a line, at the line's end.
///
/// It checks structure, numbers, literals, escapes and control characters; UTF-8, surrogate
/// pairs and number ranges are left to the full parse of the finished value.
struct Scanner {
  enum State: UInt8 {
    case value, arrayFirst, objectFirst, key, colon, afterValue
    case string, escape, hex
    case numSign, numZero, numInt, numDot, numFrac, numE, numESign, numExp
    case literal
  }

  /// What a run over some bytes found.
  enum Outcome: Equatable {
    /// The bytes ended inside the value.
    case needMore
    /// The value ends just before this index.
    case complete(Int)
    /// A syntax error at this index.
    case error(Int, String)
    /// The opening bracket at this index is too deep.
    case tooDeep(Int)
    /// A `{` in the first column of a later line, where the grammar allows a value: the line
    /// may be a whole message that ends this value. Scanning resumes at this index.
    case candidate(Int)
  }

  var state = State.value
  /// Container kinds, innermost last (true for an object).
  var stack: [Bool] = []
  var depth = 0
  let maxDepth: Int
  /// Whether the value must end on the line it starts on: a newline outside it is an error.
  let singleLine: Bool
  /// Whether the `{` it stopped at last was looked at and did not end the value: take it.
  var candidateRejected = false
  var stringIsKey = false
  var count: UInt8 = 0
  var word: StaticString = Literals.null

  init(maxDepth: Int, singleLine: Bool = false) {
    self.maxDepth = maxDepth
    self.singleLine = singleLine
  }

  var inObject: Bool? { stack.last }

  /// Scans `p[i..<end]`; `i` is the index it stopped at.
  mutating func run(_ p: UnsafeRawBufferPointer, _ i: inout Int, _ end: Int) -> Outcome {
    while i < end {
      let b = p[i]
      switch state {
      case .string:
        while i < end {
          let c = p[i]
          if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
          i += 1
        }
        guard i < end else { return .needMore }
        let c = p[i]
        if c < 0x20 { return .error(i, "unescaped control character in string") }
        i += 1
        if c == UInt8(ascii: "\\") {
          state = .escape
        } else if stringIsKey {
          state = .colon
        } else if let done = valueDone(i) {
          return done
        }
        continue
      case .escape:
        switch b {
        case UInt8(ascii: "u"):
          state = .hex
          count = 0
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          state = .string
        default: return .error(i, "invalid escape")
        }
        i += 1
        continue
      case .hex:
        guard isHex(b) else { return .error(i, "invalid \\u escape") }
        count += 1
        if count == 4 { state = .string }
        i += 1
        continue
      case .numSign, .numZero, .numInt, .numDot, .numFrac, .numE, .numESign, .numExp:
        if let outcome = number(b, &i) { return outcome }
        continue
      case .literal:
        let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard b == w[Int(count)] else { return .error(i, "invalid literal") }
        i += 1
        count += 1
        if Int(count) == w.count, let done = valueDone(i) { return done }
        continue
      default:
        break
      }
      if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A {
        if b == 0x0A && singleLine { return .error(i, "end of line") }
        i += 1
        continue
      }
      // `p[i - 1]` lies in the value: depth is at least 1, so the value began before `i`.
      if b == UInt8(ascii: "{") && depth > 0 && p[i - 1] == 0x0A && !singleLine
        && (state == .value || state == .arrayFirst)
      {
        if !candidateRejected { return .candidate(i) }
        candidateRejected = false
      }
      if let outcome = structural(b, &i) { return outcome }
    }
    return .needMore
  }

  /// Handles a non-whitespace byte between tokens.
  mutating func structural(_ b: UInt8, _ i: inout Int) -> Outcome? {
    switch state {
    case .value, .arrayFirst:
      if state == .arrayFirst && b == UInt8(ascii: "]") { return close(&i) }
      return startValue(b, &i)
    case .objectFirst, .key:
      if state == .objectFirst && b == UInt8(ascii: "}") { return close(&i) }
      guard b == UInt8(ascii: "\"") else { return .error(i, "expected string key in object") }
      state = .string
      stringIsKey = true
      i += 1
    case .colon:
      guard b == UInt8(ascii: ":") else { return .error(i, "expected ':' after object key") }
      state = .value
      i += 1
    case .afterValue:
      let object = inObject  // after a value, the scanner is inside a container
      if b == UInt8(ascii: ",") {
        state = object == true ? .key : .value
        i += 1
      } else if b == UInt8(ascii: "}") && object == true
        || b == UInt8(ascii: "]") && object == false
      {
        return close(&i)
      } else {
        let kind = object == false ? "',' or ']' in array" : "',' or '}' in object"
        return .error(i, "expected \(kind)")
      }
    default:
      preconditionFailure("structural byte in state \(state)")
    }
    return nil
  }

  mutating func startValue(_ b: UInt8, _ i: inout Int) -> Outcome? {
    switch b {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      if depth == maxDepth { return .tooDeep(i) }
      depth += 1
      stack.append(b == UInt8(ascii: "{"))
      state = b == UInt8(ascii: "{") ? .objectFirst : .arrayFirst
      i += 1
    case UInt8(ascii: "\""):
      state = .string
      stringIsKey = false
      i += 1
    case UInt8(ascii: "-"):
      state = .numSign
      i += 1
    case UInt8(ascii: "0"):
      state = .numZero
      i += 1
    case UInt8(ascii: "1")...UInt8(ascii: "9"):
      state = .numInt
      i += 1
    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
      word =
        b == UInt8(ascii: "t")
        ? Literals.true : b == UInt8(ascii: "f") ? Literals.false : Literals.null
      state = .literal
      count = 1
      i += 1
    default:
      return .error(i, "expected value")
    }
    return nil
  }

  mutating func close(_ i: inout Int) -> Outcome? {
    stack.removeLast()
    depth -= 1
    i += 1
    return valueDone(i)
  }

  /// A value ended just before `i`: the top-level value is complete, or its container goes on.
  mutating func valueDone(_ i: Int) -> Outcome? {
    if depth == 0 { return .complete(i) }
    state = .afterValue
    return nil
  }

  /// Advances a number by one byte, or ends it (leaving `b` for the next state).
  mutating func number(_ b: UInt8, _ i: inout Int) -> Outcome? {
    let digit = b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    let next: State?
    switch state {
    case .numSign: next = digit ? (b == UInt8(ascii: "0") ? .numZero : .numInt) : nil
    case .numZero, .numInt:
      if digit && state == .numInt {
        next = .numInt
      } else if b == UInt8(ascii: ".") {
        next = .numDot
      } else {
        next = b == UInt8(ascii: "e") || b == UInt8(ascii: "E") ? .numE : nil
      }
    case .numDot, .numFrac:
      if digit {
        next = .numFrac
      } else {
        next = state == .numFrac && (b == UInt8(ascii: "e") || b == UInt8(ascii: "E")) ? .numE : nil
      }
    case .numE:
      next = digit ? .numExp : (b == UInt8(ascii: "+") || b == UInt8(ascii: "-") ? .numESign : nil)
    case .numESign, .numExp: next = digit ? .numExp : nil
    default: next = nil
    }
    if let next {
      state = next
      i += 1
      return nil
    }
    let terminal = state == .numZero || state == .numInt || state == .numFrac || state == .numExp
    if !terminal || continuesNumber(b) { return .error(i, "invalid number") }
    return valueDone(i)
  }

  @inline(__always) func isHex(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
      || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "f"))
  }
}
