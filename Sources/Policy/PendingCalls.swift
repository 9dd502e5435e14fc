/// The outgoing `msg_id`s that await a reply, each with its owner and registration time, under a
/// limit.
///
/// Some registrations are reapable: they have no timeout of their own, so the reaper expires them
/// once they are older than a threshold. Registrations arrive in time order, so the reapable ones
/// sit in a FIFO queue in age order and a reaper pass looks only at the front: its cost grows with
/// the number it reaps (plus, amortized, entries already answered), never with the number pending.
public struct PendingCalls<Owner> {
  private struct Entry {
    var owner: Owner
    var registeredAt: Instant
    var reapable: Bool
  }

  private var entries: [Int: Entry] = [:]
  /// Reapable ids in registration order; answered ones are skipped lazily when they reach the
  /// front.
  private var reapQueue = Ring<(id: Int, registeredAt: Instant)>()
  /// The number of reapable ids still pending (the queue may also hold answered ones).
  public private(set) var reapableCount = 0
  /// The most ids that may be pending at once.
  public let limit: Int

  /// An empty table that holds at most `limit` ids.
  public init(limit: Int) {
    precondition(limit > 0, "the pending limit must be positive")
    self.limit = limit
  }

  /// The number of pending ids.
  public var count: Int { entries.count }

  /// True when no id is pending.
  public var isEmpty: Bool { entries.isEmpty }

  /// True when `n` more ids fit under the limit, `reserved` of the room being promised already.
  public func hasRoom(for n: Int, reserved: Int = 0) -> Bool {
    entries.count + reserved + n <= limit
  }

  /// The owner of `id`, if it is pending.
  public func owner(of id: Int) -> Owner? { entries[id]?.owner }

  /// Registers `id` as pending at `now`; the caller checked `hasRoom` first.
  public mutating func register(_ id: Int, owner: Owner, at now: Instant, reapable: Bool) {
    precondition(entries.count < limit, "pending calls over their limit")
    precondition(
      reapQueue.last.map { $0.registeredAt <= now } ?? true, "registrations out of time order")
    entries[id] = Entry(owner: owner, registeredAt: now, reapable: reapable)
    if reapable {
      reapQueue.append((id, now))
      reapableCount += 1
    }
  }

  /// Removes `id` and returns its owner, or nil when it was not pending.
  @discardableResult
  public mutating func remove(_ id: Int) -> Owner? {
    guard let e = entries.removeValue(forKey: id) else { return nil }
    if e.reapable {
      reapableCount -= 1
      // Nothing reapable left: every queued id is answered, so drop them all at once.
      if reapableCount == 0 { reapQueue.removeAll() }
    }
    return e.owner
  }

  /// The registration time of the oldest reapable id still pending, dropping answered ids from
  /// the front of the queue on the way.
  public mutating func oldestReapable() -> Instant? {
    while let front = reapQueue.first {
      if entries[front.id] != nil { return front.registeredAt }
      reapQueue.removeFirst()
    }
    return nil
  }

  /// Removes every reapable id registered before `cutoff` and hands each to `expire`, oldest
  /// first; returns how many were reaped. O(reaped + answered ids passed over).
  @discardableResult
  public mutating func reap(registeredBefore cutoff: Instant, _ expire: (Int, Owner) -> Void) -> Int
  {
    var reaped = 0
    while let front = reapQueue.first, front.registeredAt < cutoff {
      reapQueue.removeFirst()
      guard let e = entries.removeValue(forKey: front.id) else { continue }
      reapableCount -= 1
      reaped += 1
      expire(front.id, e.owner)
    }
    if reapableCount == 0 { reapQueue.removeAll() }
    return reaped
  }
}
