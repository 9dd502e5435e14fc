/// The outgoing `msg_id`s that await a reply, under a limit: the attempts of calls (each id
/// mapped to its call's slot) and reapable callbacks (each id mapped to its callback).
///
/// Callbacks have no timeout of their own, so the reaper expires them once they are older than a
/// threshold. Registrations arrive in time order, so they sit in a FIFO queue in age order and a
/// reaper pass looks only at the front: its cost grows with the number it reaps (plus, amortized,
/// callbacks already answered), never with the number pending. Attempts need no time: their call
/// bounds them. Both maps hold small values, because a million of them may be pending.
public struct PendingCalls<Callback> {
  /// Who waits for an id.
  public enum Owner {
    /// An attempt of the call in this slot.
    case call(UInt32)
    /// A reapable callback.
    case callback(Callback)
  }

  private var attempts: [Int: UInt32] = [:]
  private var callbacks: [Int: Callback] = [:]
  /// Callback ids in registration order; answered ones are skipped when they reach the front.
  private var reapQueue = Ring<(id: Int, registeredAt: Instant)>()
  /// The most ids that may be pending at once.
  public let limit: Int

  /// An empty table that holds at most `limit` ids.
  public init(limit: Int) {
    precondition(limit > 0, "the pending limit must be positive")
    self.limit = limit
  }

  /// The number of pending ids.
  public var count: Int { attempts.count + callbacks.count }

  /// True when no id is pending.
  public var isEmpty: Bool { attempts.isEmpty && callbacks.isEmpty }

  /// The number of reapable callbacks pending.
  public var reapableCount: Int { callbacks.count }

  /// True when `n` more ids fit under the limit, `reserved` of the room being promised already.
  public func hasRoom(for n: Int, reserved: Int = 0) -> Bool {
    count + reserved + n <= limit
  }

  /// Who waits for `id`, if it is pending.
  public func owner(of id: Int) -> Owner? {
    if let slot = attempts[id] { return .call(slot) }
    return callbacks[id].map { .callback($0) }
  }

  /// Registers `id` as an attempt of the call in `slot`; the caller checked `hasRoom` first.
  public mutating func registerAttempt(_ id: Int, call slot: UInt32) {
    precondition(count < limit, "pending calls over their limit")
    attempts[id] = slot
  }

  /// Registers `id` as a reapable callback at `now`; the caller checked `hasRoom` first.
  public mutating func registerCallback(_ id: Int, _ callback: Callback, at now: Instant) {
    precondition(count < limit, "pending calls over their limit")
    precondition(
      reapQueue.last.map { $0.registeredAt <= now } ?? true, "registrations out of order")
    callbacks[id] = callback
    reapQueue.append((id, now))
  }

  /// Removes the attempt `id`.
  public mutating func removeAttempt(_ id: Int) { attempts.removeValue(forKey: id) }

  /// Removes the callback `id` and returns it, or nil when it was not pending.
  public mutating func removeCallback(_ id: Int) -> Callback? {
    guard let c = callbacks.removeValue(forKey: id) else { return nil }
    // Nothing reapable left: every queued id is answered, so drop them all at once.
    if callbacks.isEmpty { reapQueue.removeAll() }
    return c
  }

  /// The registration time of the oldest callback still pending, dropping answered ids from the
  /// front of the queue on the way.
  public mutating func oldestReapable() -> Instant? {
    while let front = reapQueue.first {
      if callbacks[front.id] != nil { return front.registeredAt }
      reapQueue.removeFirst()
    }
    return nil
  }

  /// Removes every callback registered before `cutoff` and hands each to `expire`, oldest first;
  /// returns how many were reaped. O(reaped + answered ids passed over).
  @discardableResult
  public mutating func reap(registeredBefore cutoff: Instant, _ expire: (Int, Callback) -> Void)
    -> Int
  {
    var reaped = 0
    while let front = reapQueue.first, front.registeredAt < cutoff {
      reapQueue.removeFirst()
      guard let c = callbacks.removeValue(forKey: front.id) else { continue }
      reaped += 1
      expire(front.id, c)
    }
    if callbacks.isEmpty { reapQueue.removeAll() }
    return reaped
  }
}
