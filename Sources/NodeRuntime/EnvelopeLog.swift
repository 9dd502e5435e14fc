internal import Wire

/// One envelope the node read or wrote, as `Node.envelopes(last:)` reports it.
public struct EnvelopeEntry: Sendable, Equatable {
  /// Whether the node read or wrote the message.
  public enum Direction: UInt8, Sendable {
    /// Read from the input.
    case received
    /// Written to the output.
    case sent

    /// As Maelstrom's logs name it: `RECV` or `SENT`.
    public var name: String { self == .received ? "RECV" : "SENT" }
  }

  /// Wall-clock time in milliseconds since the Unix epoch.
  public var unixMilliseconds: Int64
  public var direction: Direction
  public var src: String
  public var dest: String
  /// The body's `type` (empty when a forwarded payload has none).
  public var type: String
}

/// The newest `capacity` envelopes in and out, kept without a string per message: each slot
/// holds the three names as `NameKey`s (read from the message's bytes, or kept from the
/// strings at hand) and is overwritten in place; strings are made only when the log is read.
/// Names that have no key (longer than 16 bytes, or with a backslash) are kept as strings
/// beside. (Kept as strings, by the track's taps, the names cost an echo about 800
/// instructions: each string made from the input, then reference counted into the ring.)
final class EnvelopeLog {
  struct Slot {
    var unixMilliseconds: Int64 = 0
    var direction = EnvelopeEntry.Direction.received
    /// The names; nil: they are in `overflow` (or the slot was never written).
    var names: (src: NameKey, dest: NameKey, type: NameKey)?
  }

  /// The entries kept; 0, the start: none (then nothing may be recorded).
  private(set) var capacity = 0
  private var slots = UnsafeMutablePointer<Slot>.allocate(capacity: 0)
  /// The names of the entries that have a name without a key, by slot.
  private var overflow: [Int: (src: String, dest: String, type: String)] = [:]
  /// The slot the next record goes to.
  private var next = 0
  /// The records kept, up to `capacity`.
  private(set) var count = 0

  deinit { slots.deallocate() }

  /// Whether entries are kept: record only then.
  @inline(__always) var isKeeping: Bool { capacity > 0 }

  /// Keeps the newest `capacity` entries from now on, forgetting those kept so far.
  func keep(_ capacity: Int) {
    precondition(capacity >= 0, "the envelope log cannot keep fewer than no entries")
    slots.deallocate()
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: Slot(), count: capacity)
    self.capacity = capacity
    (next, count, overflow) = (0, 0, [:])
  }

  /// Records an envelope by its names' keys. False when one of them is nil: then the entry
  /// waits for its names as strings, `nameLast`.
  @inline(__always)
  func record(
    _ ms: Int64, _ direction: EnvelopeEntry.Direction, _ src: NameKey?, _ dest: NameKey?,
    _ type: NameKey?
  ) -> Bool {
    let k = next
    next = k + 1 == capacity ? 0 : k + 1
    if count < capacity { count += 1 }
    if slots[k].names == nil { overflow[k] = nil }
    guard let src, let dest, let type else {
      slots[k] = Slot(unixMilliseconds: ms, direction: direction, names: nil)
      return false
    }
    slots[k] = Slot(unixMilliseconds: ms, direction: direction, names: (src, dest, type))
    return true
  }

  /// Gives the entry recorded last, whose names had no keys, its names.
  func nameLast(_ src: String, _ dest: String, _ type: String) {
    overflow[(next - 1 + capacity) % capacity] = (src, dest, type)
  }

  /// Records an envelope whose names are strings.
  func record(
    _ ms: Int64, _ direction: EnvelopeEntry.Direction, _ src: String, _ dest: String,
    _ type: String
  ) {
    if !record(ms, direction, NameKey(src), NameKey(dest), NameKey(type)) {
      nameLast(src, dest, type)
    }
  }

  /// The newest `n` entries (all when `n` exceeds the count), oldest first.
  func suffix(_ n: Int) -> [EnvelopeEntry] {
    let n = Swift.min(Swift.max(n, 0), count)
    return (0..<n).map { j in entry((next - n + j + capacity) % capacity) }
  }

  private func entry(_ k: Int) -> EnvelopeEntry {
    let s = slots[k]
    let (src, dest, type) =
      s.names.map { ($0.src.text, $0.dest.text, $0.type.text) } ?? overflow[k] ?? ("", "", "")
    return EnvelopeEntry(
      unixMilliseconds: s.unixMilliseconds, direction: s.direction, src: src, dest: dest,
      type: type)
  }
}
