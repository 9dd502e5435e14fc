import Glibc
import Testing

@testable import Wire

/// Feeds `text` in chunks that end at `cuts` (byte indexes), then finishes; returns the events.
func events(
  _ text: String, cuts: [Int] = [], parser: StreamParser = StreamParser()
) -> [ParseEvent] {
  events(Array(text.utf8), cuts: cuts, parser: parser)
}

/// Feeds `bytes` in chunks that end at `cuts` (byte indexes), then finishes; returns the events.
func events(
  _ bytes: [UInt8], cuts: [Int] = [], parser: StreamParser = StreamParser()
) -> [ParseEvent] {
  var parser = parser
  var out: [ParseEvent] = []
  var start = 0
  for cut in cuts + [bytes.count] where cut >= start {
    bytes[start..<cut].withUnsafeBytes { parser.feed($0) { out.append($0) } }
    start = cut
  }
  parser.finish { out.append($0) }
  return out
}

/// The values among `events`.
func values(_ events: [ParseEvent]) -> [JSON] {
  events.compactMap { if case .value(let v) = $0 { v } else { nil } }
}

/// The problems among `events`.
func problems(_ events: [ParseEvent]) -> [MalformedInput] {
  events.compactMap { if case .malformed(let m) = $0 { m } else { nil } }
}

/// Values as Python prints them; problems as offset, line, column and reason: what must not
/// depend on chunking (an excerpt stops early when the bytes after its problem had not arrived).
func summary(_ events: [ParseEvent]) -> [String] {
  events.map {
    switch $0 {
    case .value(let v): return v.pythonText
    case .malformed(let m): return "\(m.offset) \(m.line):\(m.column) \(m.reason)"
    }
  }
}

/// `JSON.parse`, or nil when it throws.
func parsed(_ text: String) -> JSON? { try? JSON.parse(text) }

/// The error `JSON.parse` throws, if any.
func parseError(_ text: String) -> MalformedInput? {
  do throws(MalformedInput) {
    _ = try JSON.parse(text)
    return nil
  } catch {
    return error
  }
}
