import Messenger
import Testing

/// Requests with a missing or ill-typed field get error 12 naming the field; another workload's
/// message type gets error 10.
@Suite struct BadInputTests {
  static let cases: [(workload: String, type: String, fields: [(key: String, value: Value)], field: String)] = [
    ("broadcast", "broadcast", [], "message"),
    ("broadcast", "topology", [("topology", 3)], "topology"),
    ("broadcast", "gossip", [("messages", "x")], "messages"),
    ("g-set", "add", [], "element"),
    ("g-set", "gossip", [], "elements"),
    ("g-counter", "add", [("delta", "1")], "delta"),
    ("pn-counter", "add", [("delta", 1.5)], "delta"),
    ("pn-counter", "gossip", [("entries", ["increments": ["n1": -1]])], "entries"),
    ("kafka", "send", [("msg", 1)], "key"),
    ("kafka", "send", [("key", "k")], "msg"),
    ("kafka", "poll", [("offsets", ["k": "0"])], "offsets"),
    ("kafka", "commit_offsets", [], "offsets"),
    ("kafka", "list_committed_offsets", [("keys", [1])], "keys"),
  ]

  @Test(arguments: 0..<cases.count)
  func aBadFieldGetsErrorTwelveNamingIt(_ i: Int) {
    let t = BadInputTests.cases[i]
    let c = Cluster(t.workload, nodes: 2)
    let r = c.request("n1", t.type, t.fields)
    c.run(ms: 10)
    #expect(c.reply(r)?["code"]?.intValue == 12)
    #expect(c.reply(r)?["text"]?.stringValue?.contains("\"\(t.field)\"") == true)
  }

  @Test(arguments: ["unique-ids", "broadcast", "g-set", "g-counter", "pn-counter", "kafka"])
  func anotherWorkloadsTypeGetsErrorTen(_ workload: String) {
    let c = Cluster(workload, nodes: 1)
    let r = c.request("n1", workload == "unique-ids" ? "send" : "generate")
    c.run(ms: 10)
    #expect(c.reply(r)?["code"]?.intValue == 10)
  }
}
