import Messenger
import Testing

/// `kafka` end to end on a `lin-kv` that loses replies and refuses requests (error 11): acknowledged sends keep unique, dense,
/// increasing offsets per key, and polls see them.
@Suite struct KafkaClusterTests {
  @Test func everyAcknowledgedSendHasItsOwnOffsetAndIsPolled() {
    let c = Cluster("kafka", nodes: 3)
    c.kvReplyLoss = 0.2
    c.kvRefusal = 0.1
    var sends: [(id: Int, key: String, msg: Int)] = []
    for i in 0..<60 {
      let key = "k\(i % 2)"
      sends.append((c.request(c.ids[i % 3], "send", [("key", .string(key)), ("msg", .int(i))]), key, i))
      if i % 5 == 0 { c.run(ms: 30) }
    }
    c.run(ms: 20_000)
    var offsets: [String: [Int: Int]] = [:]
    for s in sends {
      guard let offset = c.reply(s.id)?["offset"]?.intValue else { continue }
      #expect(offsets[s.key, default: [:]][offset] == nil)
      offsets[s.key, default: [:]][offset] = s.msg
    }
    #expect(offsets.values.map(\.count).reduce(0, +) > 30)
    #expect(c.logs.contains { $0.hasPrefix("INFO rpc retry") && $0.contains("kind=kv-cas") })
    for key in ["k0", "k1"] {
      let r = c.request("n2", "poll", [("offsets", .object([(key, .int(0))]))])
      c.run(ms: 5_000)
      let pairs = c.reply(r)?["msgs"]?[key]?.arrayValue ?? []
      let polled = pairs.map { ($0[0]!.intValue!, $0[1]!.intValue!) }
      #expect(polled.map(\.0) == Array(0..<polled.count))
      for (offset, msg) in offsets[key] ?? [:] {
        #expect(polled.first { $0.0 == offset }?.1 == msg)
      }
    }
  }

  @Test func committedOffsetsAreListedAndNeverLowered() {
    let c = Cluster("kafka", nodes: 2)
    let a = c.request("n1", "commit_offsets", [("offsets", ["k": 5])])
    c.run(ms: 200)
    let b = c.request("n2", "commit_offsets", [("offsets", ["k": 3])])
    c.run(ms: 200)
    let list = c.request("n2", "list_committed_offsets", [("keys", ["k", "other"])])
    c.run(ms: 200)
    #expect(c.reply(a)?["type"] == "commit_offsets_ok")
    #expect(c.reply(b)?["type"] == "commit_offsets_ok")
    #expect(c.reply(list)?["offsets"] == ["k": 5])
  }

  @Test func aPollOfNothingAndAnEmptyListAnswerAtOnce() {
    let c = Cluster("kafka", nodes: 1)
    let p = c.request("n1", "poll", [("offsets", [:])])
    let l = c.request("n1", "list_committed_offsets", [("keys", [])])
    c.run(ms: 1)
    #expect(c.reply(p)?["msgs"] == [:])
    #expect(c.reply(l)?["offsets"] == [:])
  }
}

@Suite struct KafkaBatchingTests {
  @Test func sendsWaitingOnOneKeyGoTogetherInOneCasAndTakeConsecutiveOffsets() {
    let c = Cluster("kafka", nodes: 1)
    let ids = (0..<10).map { c.request("n1", "send", [("key", "k"), ("msg", .int($0))]) }
    c.run(ms: 100)
    #expect(ids.map { c.reply($0)?["offset"]?.intValue } == Array(0..<10))
    let cas = c.logs.filter { $0.hasPrefix("DEBUG rpc start") && $0.contains("kind=kv-cas") }
    #expect(cas.count == 2)
  }
}
