import Harness
import Messenger
import Testing
import Workloads

/// One broadcast node on virtual time, its peers played by the test: when gossip leaves, how a
/// call that gets no reply is retried and then owed again, and that an acknowledged node arms
/// nothing.
@Suite struct GossipRunnerTests {
  func leaf() -> Harness {
    let h = Harness(setup: Workloads.all["broadcast"]!)
    h.initialize("n2", ["n1", "n2", "n3"])
    return h
  }

  @Test func aLeafSendsItsNewsToTheHubAfterTenMillisecondsAndThenArmsNothing() throws {
    let h = leaf()
    h.send(#"{"src": "c1", "dest": "n2", "body": {"type": "broadcast", "message": 7, "msg_id": 1}}"#)
    #expect(h.take() == [#"{"src": "n2", "dest": "c1", "body": {"type": "broadcast_ok", "in_reply_to": 1, "msg_id": 1}}"#])
    h.advance(ms: 9)
    #expect(h.take().isEmpty)
    h.advance(ms: 1)
    let out = h.take()
    #expect(out == [#"{"src": "n2", "dest": "n1", "body": {"type": "gossip", "messages": [7], "msg_id": 2}}"#])
    #expect(h.logs.contains { $0.hasPrefix("DEBUG rpc start call=1 kind=gossip dest=n1") })
    h.send(#"{"src": "n1", "dest": "n2", "body": {"type": "gossip_ok", "in_reply_to": 2}}"#)
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func unacknowledgedGossipIsRetriedThenOwedAgainAfterABackoff() throws {
    let h = leaf()
    h.send(#"{"src": "c1", "dest": "n2", "body": {"type": "broadcast", "message": 7, "msg_id": 1}}"#)
    _ = h.take()
    h.advance(ms: 10)
    #expect(h.take().count == 1)
    // Three attempts of 500 ms, 50-75 ms then 100-150 ms apart: over by 1,735 ms at the latest.
    h.advance(ms: 1_735)
    #expect(h.take().count == 2)
    #expect(h.logs.contains { $0.hasPrefix("INFO rpc gave up") && $0.contains("kind=gossip") })
    // The value is owed again: a new call within the peer backoff (250-375 ms).
    h.advance(ms: 375)
    let again = h.take()
    #expect(again.count == 1 && again[0].contains(#""messages": [7]"#))
    #expect(h.runtime.nextDeadline != nil)
  }

  @Test func gossipFromTheHubIsMergedAcknowledgedAndNotSentBack() {
    let h = leaf()
    h.send(#"{"src": "n1", "dest": "n2", "body": {"type": "gossip", "messages": [1, 2], "msg_id": 5}}"#)
    #expect(h.take() == [#"{"src": "n2", "dest": "n1", "body": {"type": "gossip_ok", "in_reply_to": 5, "msg_id": 1}}"#])
    h.send(#"{"src": "c1", "dest": "n2", "body": {"type": "read", "msg_id": 2}}"#)
    #expect(h.take() == [#"{"src": "n2", "dest": "c1", "body": {"type": "read_ok", "messages": [1, 2], "in_reply_to": 2, "msg_id": 2}}"#])
    #expect(h.runtime.nextDeadline == nil)
  }
}
