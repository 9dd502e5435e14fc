import Testing

@testable import Workloads

@Suite struct KafkaTests {
  let a = LogEntry(10, token: "n1-1")
  let b = LogEntry(20, token: "n2-1")
  let c = LogEntry(30, token: "n1-2")

  @Test func anAppendCasesFromTheCachedLogAndGetsItsLength() {
    var append = Append(c)
    #expect(append.start(cached: [a, b]) == .cas(from: [a, b], to: [a, b, c]))
    #expect(append.casEnded(.ok(nil)) == .done(2))
  }

  @Test func theFirstAppendCreatesTheKey() {
    var append = Append(a)
    #expect(append.start(cached: []) == .cas(from: nil, to: [a]))
  }

  @Test func aRefusedCasRereadsAndRetriesFromTheNewerLog() {
    var append = Append(c)
    _ = append.start(cached: [a])
    #expect(append.casEnded(.refused) == .read)
    #expect(append.readEnded(.ok([a, b])) == .cas(from: [a, b], to: [a, b, c]))
    #expect(append.casEnded(.ok(nil)) == .done(2))
  }

  @Test func aCasThatLandedUnseenIsFoundByItsTokenAndNotAppendedTwice() {
    var append = Append(b)
    _ = append.start(cached: [a])
    #expect(append.casEnded(.unknown) == .read)
    #expect(append.readEnded(.ok([a, b])) == .done(1))
    #expect(append.casCount == 1)
  }

  @Test func anAppendOutOfAttemptsSaysWhetherItMayHaveLanded() {
    var unknown = Append(b, casMax: 1)
    _ = unknown.start(cached: [])
    _ = unknown.casEnded(.unknown)
    #expect(unknown.readEnded(.ok([a])) == .failed(maybeApplied: true))
    var refused = Append(b, casMax: 1)
    _ = refused.start(cached: [])
    _ = refused.casEnded(.refused)
    #expect(refused.readEnded(.ok([a])) == .failed(maybeApplied: false))
  }

  @Test func aCommitNeverLowersTheOffsetInPlace() {
    var commit = RaiseCommit(target: 3)
    #expect(commit.start(cached: 5) == .done(5))
    var raise = RaiseCommit(target: 3)
    #expect(raise.start(cached: nil) == .cas(from: nil, to: 3))
    #expect(raise.casEnded(.refused) == .read)
    #expect(raise.readEnded(.ok(2)) == .cas(from: 2, to: 3))
    #expect(raise.casEnded(.refused) == .read)
    #expect(raise.readEnded(.ok(4)) == .done(4))
  }

  @Test func pollsAreContiguousFromTheOffsetAskedFor() {
    var logs = KafkaLogs<Int>()
    logs.learn("k", log: [a, b])
    logs.learn("k", log: [a])  // an older, shorter read: ignored
    #expect(logs.poll("k", from: 1, limit: 10).map(\.msg) == [20])
    #expect(logs.poll("k", from: 0, limit: 1).map(\.offset) == [0])
    #expect(logs.poll("k", from: 2, limit: 10).isEmpty)
    #expect(logs.poll("x", from: 0, limit: 10).isEmpty)
    #expect(logs.poll("k", from: -1, limit: 10).isEmpty)
  }

  @Test func committedOffsetsOnlyGrow() {
    var logs = KafkaLogs<Int>()
    logs.learnCommitted("k", 4)
    logs.learnCommitted("k", 2)
    #expect(logs.committed["k"] == 4)
  }
}

@Suite struct BatchedAppendTests {
  let a = LogEntry(10, token: "n1-1")
  let b = LogEntry(20, token: "n1-2")
  let c = LogEntry(30, token: "n2-1")

  @Test func sendsWaitingTogetherGoInOneCasAndTakeConsecutiveOffsets() {
    var append = Append([a, b])
    #expect(append.start(cached: [c]) == .cas(from: [c], to: [c, a, b]))
    #expect(append.casEnded(.ok(nil)) == .done(1))
  }

  @Test func aBatchThatLandedUnseenIsFoundByItsFirstToken() {
    var append = Append([a, b])
    _ = append.start(cached: [])
    #expect(append.casEnded(.unknown) == .read)
    #expect(append.maybeApplied)
    #expect(append.readEnded(.ok([a, b, c])) == .done(0))
  }
}
