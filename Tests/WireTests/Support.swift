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

/// A small seeded generator (SplitMix64), so random tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Whether `python3` can be run.
func pythonAvailable() -> Bool {
  system("python3 -c 'import json' >/dev/null 2>&1") == 0
}

/// Runs a python3 `script` with `input` on stdin (through a temporary file) and returns stdout.
func runPython(_ script: String, input: [UInt8]) -> [UInt8]? {
  let dir = "/tmp/wiretests-\(getpid())"
  mkdir(dir, 0o700)
  let inPath = dir + "/in"
  let scriptPath = dir + "/script.py"
  guard write(input, to: inPath), write(Array(script.utf8), to: scriptPath) else { return nil }
  guard let pipe = popen("python3 \(scriptPath) < \(inPath)", "r") else { return nil }
  var out: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
    if n <= 0 { break }
    out.append(contentsOf: chunk[0..<n])
  }
  let status = pclose(pipe)
  unlink(inPath)
  unlink(scriptPath)
  rmdir(dir)
  return status == 0 ? out : nil
}

func write(_ bytes: [UInt8], to path: String) -> Bool {
  guard let f = fopen(path, "w") else { return false }
  let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
  fclose(f)
  return n == bytes.count
}
