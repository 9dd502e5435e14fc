import Glibc
import TestSupport
import Testing

/// Runs the Maelstrom stand-in (Tests/Maelstrom, Python 3) from the tests: its own self-tests,
/// then each workload against the built binary in short runs, without and with partitions.
enum StandIn {
  /// Tests/Maelstrom in this checkout, found from this file's path.
  static let directory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // EndToEndTests/MaelstromStandInTests.swift
    return parts.joined(separator: "/") + "/Maelstrom"
  }()

  /// Whether python3 runs at all; without it every stand-in test is skipped.
  static let pythonRuns = pythonAvailable

  /// Runs `python3 Tests/Maelstrom/<script> <args>`: its exit status and what it printed.
  static func python(_ script: String, _ args: [String]) -> (status: Int32, output: String) {
    let quoted = ([directory + "/" + script] + args).map { "'\($0)'" }.joined(separator: " ")
    let run = runCommand("python3 \(quoted) 2>&1")
    return (run.status, String(decoding: run.output, as: UTF8.self))
  }

  /// One short run of `workload` against the built messenger: the suite's exit status and table.
  static func run(_ workload: String, partitions: Bool) -> (status: Int32, output: String) {
    python(
      "suite.py",
      ["--bin", messengerPath, "--short", "-w", workload, "--nemesis", partitions ? "partition" : "none"])
  }
}

/// One run at a time: each starts five nodes, and the machine running the tests may be small.
@Suite(.serialized) struct MaelstromStandInTests {
  @Test(.enabled(if: StandIn.pythonRuns, "python3 is needed to run the Maelstrom stand-in"))
  func theStandInsCheckersPassCorrectReferenceNodesAndFailBrokenOnes() {
    let (status, output) = StandIn.python("selftest.py", [])
    #expect(status == 0, "\(output)")
  }

  /// Every workload the binary runs, each in a short run without and with partitions: a
  /// workload it does not answer fails (the suite names it), so none can drop out unseen.
  @Test(
    .enabled(if: StandIn.pythonRuns, "python3 is needed to run the Maelstrom stand-in"),
    arguments: ["echo", "unique-ids", "broadcast", "g-set", "g-counter", "pn-counter", "kafka"],
    [false, true])
  func everyWorkloadPassesTheStandIn(_ workload: String, partitions: Bool) {
    let (status, output) = StandIn.run(workload, partitions: partitions)
    #expect(status == 0, "\(output)")
  }
}
