import Glibc
import Testing

/// The log of the real binary in a storm: the default `--log-rate` of 100 lines per event and
/// second, the count of the rest written by the loop's own timer once the second is over.
@Suite struct LogStormTests {
  @Test func aRetryStormIsCutToAHundredLinesAndTheRestCountedWhenTheSecondEnds() {
    let child = Child(["--seed", "1", "--rpc-timeout-ms", "100", "--retry-attempts", "2"])
    var input = #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"# + "\n"
    for id in 2..<152 {
      input += #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":\#(id),"target":"n2","payload":{"type":"read"}}}"# + "\n"
    }
    child.write(input)
    // 150 retries at about 100 ms and 150 give-ups at about 200 ms; their reports at about
    // 1.1 s and 1.2 s, written by the loop's timer while stdin is still open.
    usleep(2_500_000)
    child.closeInput()
    #expect(child.finish(within: 20) == 0)
    let err = child.errLines
    #expect(err.filter { $0.contains(" INFO rpc retry call=") }.count == 100)
    #expect(err.filter { $0.contains(" INFO rpc gave up call=") }.count == 100)
    let reports = err.filter { $0.contains(" INFO suppressed ") }
    #expect(
      reports.map { String($0.drop { $0 != " " }.dropFirst()) } == [
        #"INFO suppressed 50 "rpc retry" lines in the last 1 s; --log-level debug shows all"#,
        #"INFO suppressed 50 "rpc gave up" lines in the last 1 s; --log-level debug shows all"#,
      ])
    // The reports were written by the timer, not at exit: well before the summary.
    if let report = reports.first, let exit = err.last {
      #expect(msOfDay(exit) - msOfDay(report) >= 500)
    }
    // The exit summary is the last line, and counts every event.
    #expect(err.last?.contains(" retries=150 timeouts=300 ") == true)
    #expect(err.last?.hasSuffix(" suppressed_lines=100") == true)
    #expect(child.outLines.count == 1 + 300 + 150)
  }

  /// Milliseconds since midnight of a log line's `2026-11-23T10:15:02.481Z` timestamp.
  func msOfDay(_ line: String) -> Int {
    let time = line.split(separator: "T")[1].prefix(12)  // 10:15:02.481
    let parts = time.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0) }
    guard parts.count == 4 else { return 0 }
    return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3]
  }
}
