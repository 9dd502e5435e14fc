import Harness
import NodeRuntime
import Policy
import Testing

/// The clients of Maelstrom's services: `lin-kv`, `seq-kv`, `lww-kv` and `lin-tso`.
@Suite struct ServiceTests {
  /// A node whose `op` runs `body` and records each result's text.
  func node(_ results: Box<[String]>, _ body: @escaping (Node, Box<[String]>) throws -> Void) -> Harness {
    let h = Harness { node in node.handle("op") { node, _ in try body(node, results) } }
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"op","msg_id":2}}"#)
    return h
  }

  @Test func aReadSendsTheKeyAndReturnsTheValue() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in
      try KVClient.sequential.read(node, "counter") { _, result in r.value.append("\(result)") }
    }
    #expect(h.take() == [#"{"src": "n1", "dest": "seq-kv", "body": {"type": "read", "key": "counter", "msg_id": 1}}"#])
    h.send(#"{"src":"seq-kv","dest":"n1","body":{"type":"read_ok","value":[1,2],"in_reply_to":1}}"#)
    #expect(r.value == ["success([1, 2])"])
  }

  @Test func aMissingKeyIsKeyDoesNotExistAndIsNotRetried() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in
      try KVClient.linearizable.read(node, 7) { _, result in r.value.append("\(result)") }
    }
    h.send(#"{"src":"lin-kv","dest":"n1","body":{"type":"error","code":20,"text":"not found","in_reply_to":1}}"#)
    h.runUntilIdle()
    #expect(r.value == ["failure(NodeRuntime.ServiceError.keyDoesNotExist)"])
    #expect(h.take().count == 1)
  }

  @Test func aCasAnsweredTwentyTwoIsPreconditionFailedAfterOneAttempt() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in
      try KVClient.sequential.cas(node, "counter", from: 1, to: 2) { _, result in
        r.value.append("\(result)")
      }
    }
    #expect(h.take() == [#"{"src": "n1", "dest": "seq-kv", "body": {"type": "cas", "key": "counter", "from": 1, "to": 2, "msg_id": 1}}"#])
    h.send(#"{"src":"seq-kv","dest":"n1","body":{"type":"error","code":22,"text":"expected 1, had 3","in_reply_to":1}}"#)
    h.runUntilIdle()
    #expect(r.value == ["failure(NodeRuntime.ServiceError.preconditionFailed)"])
    #expect(h.take().isEmpty && h.node.stats.retries == 0)
  }

  @Test func aCasRefusedWithElevenIsRetriedAfterABackoffAndCanCreateTheKey() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in
      try KVClient.lastWriteWins.cas(node, "k", from: .null, to: 1, createIfNotExists: true) {
        _, result in r.value.append("\(result)")
      }
    }
    #expect(h.take() == [#"{"src": "n1", "dest": "lww-kv", "body": {"type": "cas", "key": "k", "from": null, "to": 1, "create_if_not_exists": true, "msg_id": 1}}"#])
    h.send(#"{"src":"lww-kv","dest":"n1","body":{"type":"error","code":11,"in_reply_to":1}}"#)
    #expect(h.take().isEmpty)  // waiting its backoff
    h.advance(ms: 100)
    #expect(h.take() == [#"{"src": "n1", "dest": "lww-kv", "body": {"type": "cas", "key": "k", "from": null, "to": 1, "create_if_not_exists": true, "msg_id": 2}}"#])
    #expect(h.logs.contains { $0.hasPrefix("INFO rpc retry call=1 kind=kv-cas dest=lww-kv attempt=2/5 msg_id=2 reason=unavailable waited_ms=") })
    h.send(#"{"src":"lww-kv","dest":"n1","body":{"type":"cas_ok","in_reply_to":2}}"#)
    #expect(r.value == ["success()"])
  }

  @Test func aWriteThatNeverGetsAnAnswerGivesUpAfterItsAttempts() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in
      try KVClient.linearizable.write(node, "k", 3) { _, result in r.value.append("\(result)") }
    }
    h.runUntilIdle()
    #expect(r.value == ["failure(NodeRuntime.ServiceError.gaveUp(timeout))"])
    #expect(h.take().count == 5)
  }

  @Test func theTimestampOracleGivesItsTimestamp() {
    let r = Box<[String]>([])
    let h = node(r) { node, r in try TSOClient().ts(node) { _, result in r.value.append("\(result)") } }
    #expect(h.take() == [#"{"src": "n1", "dest": "lin-tso", "body": {"type": "ts", "msg_id": 1}}"#])
    h.send(#"{"src":"lin-tso","dest":"n1","body":{"type":"ts_ok","ts":42,"in_reply_to":1}}"#)
    #expect(r.value == ["success(42)"])
  }
}
