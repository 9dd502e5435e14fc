import Glibc
import Policy
import TestSupport
import Testing

@testable import Wire

struct PythonDifferentialTests {
  static let script = """
    import sys, json
    out = sys.stdout
    for line in sys.stdin.buffer:
        out.write(json.dumps(json.loads(line)) + "\\n")

    """

  /// How many seeded values to compare: MESSENGER_DIFF_VALUES (1,000,000 in `make
  /// differential`), else 20,000 (`make check`).
  static let count: Int = {
    guard let v = getenv("MESSENGER_DIFF_VALUES"), let n = Int(String(cString: v)), n > 0 else {
      return 20_000
    }
    return n
  }()

  /// Values per python3 run, so that a million values never sit in memory at once.
  static let batch = 20_000

  @Test(.enabled(if: pythonAvailable, "python3 is not on PATH; the differential test is skipped"))
  func ourOutputMatchesPythonJsonDumpsByteForByte() throws {
    var random = RandomJSON(rng: SplitMix64(seed: 0x5EED_2024))
    var mismatches = 0
    for first in stride(from: 0, to: Self.count, by: Self.batch) {
      let originals = (first..<min(first + Self.batch, Self.count)).map { _ in random.value() }
      mismatches += try compare(originals, first: first, reported: mismatches)
    }
    #expect(mismatches == 0)
  }

  /// Writes `originals` (values `first`... of the run), has python3 print them again, compares
  /// byte for byte and reparses Python's text; returns the mismatches, recording the first few.
  func compare(_ originals: [JSON], first: Int, reported: Int) throws -> Int {
    var input: [UInt8] = []
    var lines: [[UInt8]] = []
    for v in originals {
      var line: [UInt8] = []
      JSONWriter.append(v, to: &line)
      lines.append(line)
      input += line
      input.append(0x0A)
    }
    let output = try #require(runPython(Self.script, input: input), "python3 failed")
    let pythonLines = output.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
    try #require(pythonLines.count == lines.count)
    var mismatches = 0
    for (k, ours) in lines.enumerated() where Array(pythonLines[k]) != ours {
      mismatches += 1
      if reported + mismatches <= 5 {
        let theirs = String(decoding: pythonLines[k], as: UTF8.self)
        Issue.record(
          "value \(first + k): ours \(String(decoding: ours, as: UTF8.self)) python \(theirs)")
      }
    }
    let reparsed = values(
      events(output, cuts: Array(stride(from: 4093, to: output.count, by: 4093))))
    #expect(reparsed.count == originals.count)
    for (k, v) in zip(reparsed, originals).enumerated() where v.0 != v.1 {
      Issue.record("value \(first + k) changed on the way back: \(v.0.pythonText) vs \(v.1.pythonText)")
      break
    }
    return mismatches
  }
}
