import Policy
import Testing

@Suite struct LineLimiterTests {
  func at(_ ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

  @Test func eachEventHasItsOwnBudgetPerWindow() {
    var l = LineLimiter(rate: 2)
    #expect(l.admit("a", at: at(0)) == .write)
    #expect(l.admit("b", at: at(0)) == .write)
    #expect(l.admit("a", at: at(10)) == .write)
    #expect(l.admit("a", at: at(20)) == .suppress)
    #expect(l.admit("b", at: at(20)) == .write)
    #expect(l.nextReport == at(1000))
    #expect(l.admit("a", at: at(999)) == .suppress)
    #expect(l.admit("a", at: at(1000)) == .writeAfterReport(count: 2))
    #expect(l.nextReport == nil)
  }

  @Test func reportsComeDueWhenTheirWindowEndsOrAllAtExit() {
    var l = LineLimiter(rate: 1)
    _ = l.admit("a", at: at(0))
    _ = l.admit("a", at: at(1))
    _ = l.admit("b", at: at(500))
    _ = l.admit("b", at: at(501))
    _ = l.admit("b", at: at(502))
    #expect(l.takeReports(dueBy: at(999)).isEmpty)
    let due = l.takeReports(dueBy: at(1000))
    #expect(due.map(\.event) == ["a"] && due.map(\.count) == [1])
    #expect(l.nextReport == at(1500))
    let rest = l.takeReports(dueBy: nil)
    #expect(rest.map(\.event) == ["b"] && rest.map(\.count) == [2])
    #expect(l.nextReport == nil)
  }

  @Test func rateZeroLimitsNothing() {
    var l = LineLimiter(rate: 0)
    for i in 0..<1000 { #expect(l.admit("a", at: at(Int64(i % 3))) == .write) }
    #expect(l.nextReport == nil)
  }
}
