import Testing

@testable import Workloads

@Suite struct GossipPeersTests {
  @Test func newsArmsOneFlushPerPeerAndTheBatchCarriesEverythingQueued() {
    var peers = GossipPeers<Values<Int>>(["n2", "n3"])
    #expect(peers.enqueue(Values([1]), for: "n2") == Flush(peer: "n2", delay: .batch))
    #expect(peers.enqueue(Values([2, 1]), for: "n2") == nil)
    let batch = peers.takeBatch(for: "n2")
    #expect(batch?.delta.items == [1, 2])
    #expect(peers.unsent(to: "n2").isEmpty)
    #expect(peers.inFlight(to: "n2") == 1)
    #expect(!peers.isQuiet)
    #expect(peers.acknowledged(batch!.id, by: "n2") == nil)
    #expect(peers.isQuiet)
  }

  @Test func aFailedBatchIsOwedAgainAfterABackoffThatGrows() {
    var peers = GossipPeers<Values<Int>>(["n2"])
    _ = peers.enqueue(Values([1, 2]), for: "n2")
    let first = peers.takeBatch(for: "n2")!
    _ = peers.enqueue(Values([3]), for: "n2")
    let second = peers.takeBatch(for: "n2")!
    #expect(peers.failed(first.id, to: "n2") == Flush(peer: "n2", delay: .backoff(failures: 1)))
    #expect(peers.failed(second.id, to: "n2") == nil)  // armed already
    let retry = peers.takeBatch(for: "n2")!
    #expect(retry.delta.items == [1, 2, 3])
    #expect(peers.failed(retry.id, to: "n2") == Flush(peer: "n2", delay: .backoff(failures: 3)))
    let last = peers.takeBatch(for: "n2")!
    _ = peers.enqueue(Values([4]), for: "n2")
    #expect(peers.acknowledged(last.id, by: "n2") == nil)  // the flush for 4 is armed
    #expect(peers.takeBatch(for: "n2")?.delta.items == [4])
  }

  @Test func anAcknowledgementAfterAFailureResetsTheBackoff() {
    var peers = GossipPeers<Values<Int>>(["n2"], inFlightMax: 1)
    _ = peers.enqueue(Values([1]), for: "n2")
    let a = peers.takeBatch(for: "n2")!
    _ = peers.failed(a.id, to: "n2")
    let b = peers.takeBatch(for: "n2")!
    _ = peers.enqueue(Values([2]), for: "n2")
    #expect(peers.takeBatch(for: "n2") == nil)  // one in flight at most
    #expect(peers.acknowledged(b.id, by: "n2") == Flush(peer: "n2", delay: .batch))
  }

  @Test func aBatchHoldsAtMostBatchMaxItems() {
    var peers = GossipPeers<Values<Int>>(["n2"], batchMax: 2)
    _ = peers.enqueue(Values([1, 2, 3]), for: "n2")
    #expect(peers.takeBatch(for: "n2")?.delta.items == [1, 2])
    #expect(peers.unsent(to: "n2").items == [3])
  }

  @Test func unknownPeersAndStaleBatchIDsChangeNothing() {
    var peers = GossipPeers<Values<Int>>(["n2"])
    #expect(peers.enqueue(Values([1]), for: "n9") == nil)
    #expect(peers.acknowledged(42, by: "n2") == nil)
    #expect(peers.failed(42, to: "n2") == nil)
    #expect(peers.takeBatch(for: "n9") == nil)
  }
}

extension Batch: Equatable where Delta: Equatable {
  public static func == (a: Batch, b: Batch) -> Bool {
    a.id == b.id && a.peer == b.peer && a.delta == b.delta
  }
}
