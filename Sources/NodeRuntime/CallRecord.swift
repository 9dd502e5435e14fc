internal import Policy
internal import Wire

/// A call under way: its completion, its kind and plan (shared), its id and start, and its
/// record (destination, requester, ids, kept body). Kept small, since 100,000 relays in flight
/// should cost under 256 bytes each: 48 bytes in the slab, the rest in one allocation sized to it.
struct Call {
  let completion: Completion
  let shape: CallShape
  let id: Int
  let startedAt: Instant
  let record: CallRecord

  /// Where a call is between its attempts.
  enum Phase {
    /// The last attempt awaits its reply.
    case attempting
    /// The backoff wait of `length` that began at `since`, after an attempt failed for `reason`.
    case waiting(since: Instant, length: Interval, after: FailureReason)
  }

  var dest: String { record.dest }
  var kind: String { shape.kind }
  /// Nil: one attempt with no timeout of its own, which the reaper bounds.
  var plan: RetryPlan? { shape.plan }
  var requester: ReplyAddress? { record.requester }
  var firstID: Int { record.id(0) }
  var sent: Int { record.sent }
  var lastID: Int { record.id(record.sent - 1) }
  var allIDs: [Int] { (0..<record.sent).map(record.id) }
  var phase: Phase {
    get { record.phase }
    nonmutating set { record.phase = newValue }
  }
  var waited: Interval {
    get { record.waited }
    nonmutating set { record.waited = newValue }
  }
  var isWaiting: Bool {
    if case .waiting = phase { return true }
    return false
  }

  /// `call=3 kind=relay dest=n2`, the start of every line about the call.
  var tag: String { "call=\(id) kind=\(kind) dest=\(dest)" }
  /// `requester=c1:7`, or `requester=-`.
  var requesterField: String { "requester=\(record.requesterText)" }
}

/// A call's kind and retry plan, which calls share by reference.
final class CallShape {
  let kind: String
  let plan: RetryPlan?
  init(_ kind: String, _ plan: RetryPlan?) {
    self.kind = kind
    self.plan = plan
  }
}

/// What a call keeps beyond its slot, in one allocation sized to it (100,000 relays in flight
/// should cost under 256 bytes each, bookkeeping included): its destination and its requester's
/// address as bytes, its body as Python's text with a hole for `msg_id` (only when a retry may
/// send it again), the ids of its attempts, and, for a plan with backoff, its waits.
///
/// The bytes after the header: the waits (when kept); `dest`; the requester's `src` and
/// `msg_id` text; the body; then, at the next multiple of 8, one id per attempt of the plan.
/// Counts, not strings, in the header: 24 bytes, so the bench's relay takes 104 bytes, the
/// allocator's 112-byte class (a `String` for `dest` would have pushed it to 128).
final class CallRecord: ManagedBuffer<CallRecord.Header, UInt8> {
  struct Header {
    /// Bytes of `dest`; the top bit: the waits are kept.
    let destCount: UInt32
    /// Attempts sent, each id stored.
    var sent: UInt32
    /// Bytes of the requester's `src`; `UInt32.max` when there is no requester.
    let srcCount: UInt32
    /// Bytes of the requester's `msg_id` as Python prints it; 0 when it has none.
    let msgIDCount: UInt32
    /// Bytes of the kept body; 0 when it is not kept.
    let bodyCount: UInt32
    /// Where `msg_id`'s value goes in the body; the top bit: the key goes there too.
    let hole: UInt32
  }

  private static let topBit: UInt32 = 1 << 31
  /// The waited total, then the phase.
  private static let waitBytes = 8 + MemoryLayout<Call.Phase>.stride

  /// A record for a call on behalf of `requester` (nil: none) whose first attempt has
  /// `firstID`, with room for `attempts` ids; `texts` holds `dest` (`destCount` bytes), the
  /// requester's `src` and `msg_id` text, then the body, kept when `body` says where its hole is.
  static func make(
    texts: [UInt8], destCount: Int, srcCount: Int?, msgIDCount: Int,
    body: (count: Int, hole: KeptBody.Hole)?, attempts: Int, waits: Bool, firstID: Int
  ) -> CallRecord {
    let textCount = destCount + (srcCount ?? 0) + msgIDCount + (body?.count ?? 0)
    precondition(texts.count < Int(topBit), "a call's record is over 2 GiB")
    let prefix = waits ? waitBytes : 0
    let idsOffset = (prefix + textCount + 7) & ~7
    let made = create(minimumCapacity: idsOffset + 8 * attempts) { _ in
      Header(
        destCount: UInt32(destCount) | (waits ? topBit : 0), sent: 1,
        srcCount: srcCount.map(UInt32.init) ?? UInt32.max, msgIDCount: UInt32(msgIDCount),
        bodyCount: UInt32(body?.count ?? 0),
        hole: UInt32(body?.hole.offset ?? 0) | (body?.hole.needsKey == true ? topBit : 0))
    }
    let record = unsafeDowncast(made, to: CallRecord.self)
    record.withUnsafeMutablePointerToElements { e in
      let p = UnsafeMutableRawPointer(e)
      if waits {
        p.storeBytes(of: Interval.zero, as: Interval.self)
        (p + 8).storeBytes(of: Call.Phase.attempting, as: Call.Phase.self)
      }
      texts.withUnsafeBytes { t in
        (p + prefix).copyMemory(from: t.baseAddress!, byteCount: textCount)
      }
      (p + idsOffset).storeBytes(of: firstID, as: Int.self)
    }
    return record
  }

  private var prefix: Int { header.destCount & Self.topBit != 0 ? Self.waitBytes : 0 }
  private var destCount: Int { Int(header.destCount & ~Self.topBit) }
  private var srcCount: Int { header.srcCount == UInt32.max ? 0 : Int(header.srcCount) }
  private var bodyOffset: Int { prefix + destCount + srcCount + Int(header.msgIDCount) }
  private var idsOffset: Int { (bodyOffset + Int(header.bodyCount) + 7) & ~7 }

  /// The destination (made from its bytes: for retries and log lines, not the first attempt).
  var dest: String {
    let (offset, count) = (prefix, destCount)
    return withUnsafeMutablePointerToElements {
      String(
        decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer($0) + offset, count: count),
        as: UTF8.self)
    }
  }

  var sent: Int { Int(header.sent) }

  /// The id of attempt `k` (from 0).
  func id(_ k: Int) -> Int {
    let offset = idsOffset + 8 * k
    return withUnsafeMutablePointerToElements {
      UnsafeRawPointer($0).load(fromByteOffset: offset, as: Int.self)
    }
  }

  /// Stores the id of the next attempt; the plan allows one more.
  func appendID(_ id: Int) {
    let offset = idsOffset + 8 * sent
    withUnsafeMutablePointerToElements {
      UnsafeMutableRawPointer($0).storeBytes(of: id, toByteOffset: offset, as: Int.self)
    }
    header.sent += 1
  }

  /// The backoff waits taken so far; zero for a plan without backoff.
  var waited: Interval {
    get {
      guard prefix > 0 else { return .zero }
      return withUnsafeMutablePointerToElements { UnsafeRawPointer($0).load(as: Interval.self) }
    }
    set {
      precondition(prefix > 0, "a call without backoff never waits")
      withUnsafeMutablePointerToElements {
        UnsafeMutableRawPointer($0).storeBytes(of: newValue, as: Interval.self)
      }
    }
  }

  /// Where the call is between its attempts; always attempting for a plan without backoff.
  var phase: Call.Phase {
    get {
      guard prefix > 0 else { return .attempting }
      return withUnsafeMutablePointerToElements {
        UnsafeRawPointer($0).load(fromByteOffset: 8, as: Call.Phase.self)
      }
    }
    set {
      precondition(prefix > 0, "a call without backoff never waits")
      withUnsafeMutablePointerToElements {
        UnsafeMutableRawPointer($0).storeBytes(of: newValue, toByteOffset: 8, as: Call.Phase.self)
      }
    }
  }

  /// Runs `body` on the requester's `src` bytes and `msg_id` text, or returns nil when the call
  /// has no requester.
  private func withRequester<R>(
    _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R
  ) -> R? {
    guard header.srcCount != UInt32.max else { return nil }
    let src = Int(header.srcCount)
    let id = Int(header.msgIDCount)
    let offset = prefix + destCount
    return withUnsafeMutablePointerToElements { e in
      let p = UnsafeRawPointer(e) + offset
      return body(
        UnsafeRawBufferPointer(start: p, count: src),
        UnsafeRawBufferPointer(start: p + src, count: id))
    }
  }

  /// The request that started the call, if any.
  var requester: ReplyAddress? {
    withRequester { src, id in
      ReplyAddress(
        src: String(decoding: src, as: UTF8.self),
        msgID: id.isEmpty ? nil : JSON(validText: id))
    }
  }

  /// `c1:7` (`c1:-` for a request without `msg_id`), or `-` without a requester.
  var requesterText: String {
    withRequester { src, id in
      String(decoding: src, as: UTF8.self) + ":"
        + (id.isEmpty ? "-" : String(decoding: id, as: UTF8.self))
    } ?? "-"
  }

  /// Runs `body` on the kept body text and its hole; the body must be kept.
  func withBody<R>(_ body: (UnsafeRawBufferPointer, KeptBody.Hole) -> R) -> R {
    precondition(header.bodyCount > 0, "the body of a call of one attempt is not kept")
    let offset = bodyOffset
    let count = Int(header.bodyCount)
    let hole = KeptBody.Hole(
      offset: Int(header.hole & ~Self.topBit), needsKey: header.hole & Self.topBit != 0)
    return withUnsafeMutablePointerToElements { e in
      body(UnsafeRawBufferPointer(start: UnsafeRawPointer(e) + offset, count: count), hole)
    }
  }
}
