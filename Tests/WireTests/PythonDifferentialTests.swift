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

  @Test(.enabled(if: pythonAvailable, "python3 is not on PATH; the differential test is skipped"))
  func ourOutputMatchesPythonJsonDumpsByteForByte() throws {
    var random = RandomJSON(rng: SplitMix64(seed: 0x5EED_2024))
    let originals = (0..<4000).map { _ in random.value() }
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
      if mismatches <= 5 {
        let theirs = String(decoding: pythonLines[k], as: UTF8.self)
        Issue.record("value \(k): ours \(String(decoding: ours, as: UTF8.self)) python \(theirs)")
      }
    }
    #expect(mismatches == 0)
    let reparsed = values(
      events(output, cuts: Array(stride(from: 4093, to: output.count, by: 4093))))
    #expect(reparsed.count == originals.count)
    for (k, v) in zip(reparsed, originals).enumerated() where v.0 != v.1 {
      Issue.record("value \(k) changed on the way back: \(v.0.pythonText) vs \(v.1.pythonText)")
      break
    }
  }
}
