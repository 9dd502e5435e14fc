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

  /// Attempts in a sorted log (ids are sent in increasing order): 12 bytes an id.
  private var attempts = AttemptLog()
  /// Callbacks in a map split into shards by id, so growing one rehashes a sixteenth of the
  /// table: the old and new storage of a whole million-entry dictionary never coexist.
  private var callbacks = ShardedMap<Callback>()
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

  /// Registers `id`, above every attempt id registered before, as an attempt of the call in
  /// `slot`; the caller checked `hasRoom` first.
  public mutating func registerAttempt(_ id: Int, call slot: UInt32) {
    precondition(count < limit, "pending calls over their limit")
    attempts.append(id, slot)
  }

  /// Registers `id` as a reapable callback at `now`; the caller checked `hasRoom` first.
  public mutating func registerCallback(_ id: Int, _ callback: Callback, at now: Instant) {
    precondition(count < limit, "pending calls over their limit")
    precondition(
      reapQueue.last.map { $0.registeredAt <= now } ?? true, "registrations out of order")
    callbacks.set(id, callback)
    reapQueue.append((id, now))
  }

  /// Removes the attempt `id`.
  public mutating func removeAttempt(_ id: Int) { attempts.remove(id) }

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

/// A dictionary from `Int` keys split into 16 shards by key, so that growth rehashes one shard at a
/// time and never holds two copies of the whole table.
struct ShardedMap<Value> {
  private var shards = [[Int: Value]](repeating: [:], count: 16)
  /// The number of entries.
  private(set) var count = 0

  /// True when there is no entry.
  var isEmpty: Bool { count == 0 }

  /// The value of `key`.
  subscript(key: Int) -> Value? { shards[Self.shard(key)][key] }

  /// Sets the value of `key`.
  mutating func set(_ key: Int, _ value: Value) {
    if shards[Self.shard(key)].updateValue(value, forKey: key) == nil { count += 1 }
  }

  /// Removes `key` and returns its value.
  @discardableResult
  mutating func removeValue(forKey key: Int) -> Value? {
    let v = shards[Self.shard(key)].removeValue(forKey: key)
    if v != nil { count -= 1 }
    return v
  }

  private static func shard(_ key: Int) -> Int { Int(UInt(bitPattern: key) % 16) }
}
