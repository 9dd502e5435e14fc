import Glibc
import Policy
import TestSupport
import Testing

@testable import Wire

/// The transcoder against CPython: seeded random values written messily (`MessyJSON`), one a
/// line, read by `json.loads` and printed by `json.dumps`, must come out of the fast path byte
/// for byte the same. MESSENGER_DIFF_COUNT sets how many (20,000 by default; `make diff` runs
/// 1,000,000).
struct TranscoderPythonTests {
  static let script = """
    import sys, json
    out = sys.stdout
    for line in sys.stdin.buffer:
        out.write(json.dumps(json.loads(line)) + "\\n")

    """

  static var count: Int {
    guard let text = getenv("MESSENGER_DIFF_COUNT"), let n = Int(String(cString: text)), n > 0
    else { return 20_000 }
    return n
  }

  @Test(.enabled(if: pythonAvailable, "python3 is not on PATH; the differential test is skipped"))
  func transcodedValuesMatchPythonByteForByte() throws {
    var random = RandomJSON(rng: SplitMix64(seed: 0xD1FF))
    var junk = RandomJSON(rng: SplitMix64(seed: 0xD1FF_0002))
    var messy = MessyJSON(rng: SplitMix64(seed: 0xD1FF_0003), newlines: false)
    // In batches, so a million values never sit in memory at once.
    var done = 0
    var batch = 0
    while done < Self.count {
      let n = min(50_000, Self.count - done)
      let texts = (0..<n).map { _ in messy.text(random.value(), randomJunk: &junk) }
      try compare(texts, batch: batch)
      done += n
      batch += 1
    }
  }

  func compare(_ texts: [String], batch: Int) throws {
    var input: [UInt8] = []
    for t in texts {
      input += t.utf8
      input.append(0x0A)
    }
    let output = try #require(runPython(Self.script, input: input), "python3 failed")
    let pythonLines = output.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
    try #require(pythonLines.count == texts.count)
    // The whole input read as a stream: every line offered as a view and transcoded.
    var ours: [[UInt8]] = []
    var parser = StreamParser()
    input.withUnsafeBytes { p in
      parser.feed(
        p,
        views: { view in
          var line: [UInt8] = []
          view.whole.write(to: &line)
          ours.append(line)
          return true
        },
        { event in Issue.record("not taken as a view: \(event)") })
    }
    try #require(ours.count == texts.count)
    var mismatches = 0
    for (k, line) in ours.enumerated() where Array(pythonLines[k]) != line {
      mismatches += 1
      if mismatches <= 5 {
        let theirs = String(decoding: pythonLines[k], as: UTF8.self)
        let mine = String(decoding: line, as: UTF8.self)
        Issue.record("batch \(batch) value \(k): \(texts[k])\nours \(mine)\npython \(theirs)")
      }
    }
    #expect(mismatches == 0)
  }
}
