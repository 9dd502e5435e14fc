import Harness
import NodeRuntime
import Testing

/// Targets of `proxy`, `relay`, `backoff_relay` and `send_fire_forget` (SPEC section 4): a node
/// of `node_ids` or a Maelstrom service, or error 1 and nothing sent.
@Suite struct TargetTests {
  func request(_ type: String, _ target: String) -> String {
    let field = type == "proxy" ? "inner" : "payload"
    return #"{"src":"c1","dest":"n1","body":{"type":"\#(type)","msg_id":2,"target":"\#(target)","\#(field)":{"type":"read"}}}"#
  }

  @Test func anUnknownTargetIsErrorOneAndNothingIsSent() {
    for type in ["proxy", "relay", "backoff_relay", "send_fire_forget"] {
      for target in ["n99", "c1", "", "lin-kv "] {
        let h = Harness()
        h.initialize()
        h.send(request(type, target))
        h.runUntilIdle()
        #expect(
          h.take() == [
            #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 1, "text": "\#(type): unknown node \"\#(target)\"", "in_reply_to": 2, "msg_id": 1}}"#
          ])
        #expect(h.node.pendingCount == 0 && h.node.stats.rpcAttempts == 0)
      }
    }
  }

  @Test func nodesOfNodeIDsAndMaelstromServicesAreKnown() {
    for target in ["n2", "n1", "lin-kv", "seq-kv", "lww-kv", "lin-tso"] {
      let h = Harness()
      h.initialize()
      h.send(request("send_fire_forget", target))
      #expect(h.take().first == #"{"src": "n1", "dest": "\#(target)", "body": {"type": "read", "msg_id": 1}}"#)
    }
  }
}
