import Testing

/// What a new user meets first in the Makefile and its scripts (issue 11, point 6).
@Suite struct MakeTargetTests {
  @Test func makeWithNoTargetListsTheTargets() {
    let (status, output) = SpacetimeTests.shell("make -C \(SpacetimeTests.repo) --no-print-directory")
    #expect(status == 0, "\(output)")
    #expect(output.hasPrefix("make TARGET, where TARGET is one of"), "\(output)")
    for target in ["check", "demo", "bench", "soak", "fuzz", "trace", "maelstrom-local", "install"] {
      #expect(output.contains("\n  \(target) "), "\(target) missing from:\n\(output)")
    }
  }

  @Test func aSoakTooShortForItsMemoryCheckSaysSoAndNeverPrintsOk() {
    let (status, output) = SpacetimeTests.shell(
      "python3 \(SpacetimeTests.repo)/scripts/soak.py -n 2000 --bin \(messengerPath)")
    #expect(status == 0, "\(output)")
    #expect(output.contains("memory NOT checked"), "\(output)")
    #expect(output.contains("passed WITHOUT a memory check"), "\(output)")
    #expect(!output.contains("soak: ok"), "\(output)")
  }
}
