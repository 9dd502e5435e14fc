import Harness
import NodeRuntime
import Policy
import Testing

/// `--log-rate`: a storm of lines is cut to a budget per event and second, the rest counted, at
/// info and less verbose levels only; nothing is armed while nothing is held back.
@Suite struct LogRateTests {
  /// A node logging at `level` with a budget of 3 lines per event and second, whose `go` starts
  /// `calls` calls of 2 attempts of 100 ms to a silent n2.
  func storm(_ calls: Int, level: LogLevel = .info) -> Harness {
    var c = Harness.defaultConfig
    c.logLevel = level
    c.logRate = 3
    let h = Harness(config: c) { node in
      node.handle("go") { node, _ in
        for _ in 0..<calls {
          try node.call("n2", "read", plan: RetryPlan(attempts: 2, timeout: .milliseconds(100))) {
            _, _ in
          }
        }
      }
    }
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":2}}"#)
    return h
  }

  func count(_ h: Harness, _ prefix: String) -> Int { h.logs.filter { $0.hasPrefix(prefix) }.count }

  @Test func aStormIsCutToTheRateAndTheRestCountedInOneLineWhenTheSecondEnds() {
    let h = storm(10)
    h.advance(ms: 1099)
    #expect(count(h, "INFO rpc retry ") == 3 && count(h, "INFO rpc gave up ") == 3)
    #expect(count(h, "INFO suppressed ") == 0)
    h.advance(ms: 1)  // the retries' window, opened at 100 ms, ends
    #expect(
      h.logs.last
        == #"INFO suppressed 7 "rpc retry" lines in the last 1 s; --log-level debug shows all"#)
    h.advance(ms: 100)
    #expect(
      h.logs.last
        == #"INFO suppressed 7 "rpc gave up" lines in the last 1 s; --log-level debug shows all"#)
    #expect(h.node.stats.retries == 10 && h.node.stats.suppressedLines == 14)
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func aNewSecondGetsAFreshBudgetAfterSayingWhatTheLastHeldBack() {
    var c = Harness.defaultConfig
    c.logLevel = .info
    c.logRate = 2
    let h = Harness(config: c) { node in
      node.handle("go") { node, _ in node.log(.warn, "thing happened:", "n=1") }
    }
    h.initialize()
    let go = #"{"src":"c1","dest":"n1","body":{"type":"go","msg_id":2}}"#
    h.send(go, go, go, go)
    h.advance(ms: 999)
    h.send(go)
    h.advance(ms: 1)
    h.send(go)
    #expect(
      Array(h.logs.suffix(4)) == [
        "WARN thing happened: n=1", "WARN thing happened: n=1",
        #"INFO suppressed 3 "thing happened" lines in the last 1 s; --log-level debug shows all"#,
        "WARN thing happened: n=1",
      ])
    #expect(count(h, "WARN thing happened") == 3)
    #expect(
      h.logs.filter { $0.hasPrefix("INFO suppressed") }
        == [#"INFO suppressed 3 "thing happened" lines in the last 1 s; --log-level debug shows all"#])
  }

  @Test func nothingIsLimitedAtDebug() {
    let h = storm(10, level: .debug)
    h.runUntilIdle()
    #expect(count(h, "INFO rpc retry ") == 10 && count(h, "INFO rpc gave up ") == 10)
    #expect(count(h, "INFO suppressed ") == 0 && h.node.stats.suppressedLines == 0)
  }

  @Test func noTimerIsArmedWhenNothingWasHeldBack() {
    let h = storm(3)
    h.advance(ms: 200)
    #expect(count(h, "INFO rpc gave up ") == 3)
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func theExitSummaryCountsEveryEventAndSaysWhatIsStillHeldBack() {
    let h = storm(10)
    h.advance(ms: 150)
    h.stop()
    #expect(
      Array(h.logs.suffix(2)) == [
        #"INFO suppressed 7 "rpc retry" lines in the last 1 s; --log-level debug shows all"#,
        "INFO exit reason=\"end of input\" received=2 sent=21 pending=20 rpc_attempts=20 retries=10 timeouts=10 reaped=0 late_replies=0 malformed=0 suppressed_lines=7",
      ])
  }
}
