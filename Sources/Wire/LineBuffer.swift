/// The lines written since the loop last took them, in one growable buffer that lines are
/// written into in place: no line is built elsewhere and copied in.
public final class LineBuffer {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The bytes written.
  public private(set) var count = 0
  /// The texts of types and keys, kept from line to line (`LineWriter.texts`).
  private let texts: UnsafeMutablePointer<QuotedText>
  /// The last msg_id written (`LineWriter.lastID`).
  private let lastID: UnsafeMutablePointer<LastID>

  /// The room a line is written into before it has to grow (most lines fit).
  static let lineRoom = 512
  /// A buffer this large after a burst is given back when emptied.
  static let keptCapacity = 1 << 20

  /// An empty buffer.
  public init(capacity: Int = 1 << 16) {
    self.capacity = max(capacity, LineBuffer.lineRoom)
    base = .allocate(capacity: self.capacity)
    texts = .allocate(capacity: QuotedText.slots)
    texts.initialize(repeating: QuotedText(), count: QuotedText.slots)
    lastID = .allocate(capacity: 1)
    lastID.initialize(to: LastID())
  }

  deinit {
    base.deallocate()
    texts.deinitialize(count: QuotedText.slots)
    texts.deallocate()
    lastID.deallocate()
  }

  /// Whether nothing is written.
  public var isEmpty: Bool { count == 0 }

  /// Runs `body` on the bytes written.
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    body(UnsafeRawBufferPointer(start: base, count: count))
  }

  /// Forgets what was written; a buffer grown past `keptCapacity` by a burst shrinks back.
  public func removeAll() {
    count = 0
    if capacity > LineBuffer.keptCapacity {
      base.deallocate()
      capacity = 1 << 16
      base = .allocate(capacity: capacity)
    }
  }

  /// The text written from `start` on, without the last byte (a line's newline).
  public func lineText(from start: Int) -> String {
    String(
      decoding: UnsafeBufferPointer(start: base + start, count: count - start - 1), as: UTF8.self)
  }

  /// Appends one message line written by `body` (which calls `open` first, then the fields) and
  /// closes it: `{"src": ..., "dest": ..., "body": {...}}` and a newline. Written in place; a
  /// line longer than the room left is written on the heap and copied in.
  public func appendLine(_ body: (inout LineWriter) -> Void) {
    if capacity - count < LineBuffer.lineRoom { grow(LineBuffer.lineRoom) }
    var w = LineWriter(
      out: RawOutput(UnsafeMutableBufferPointer(start: base + count, count: capacity - count)),
      texts: texts, lastID: lastID)
    body(&w)
    w.close()
    if !w.out.onHeap {
      count += w.out.count
      return
    }
    let n = w.out.count
    if capacity - count < n { grow(n) }
    (base + count).initialize(from: w.out.base, count: n)
    count += n
  }

  private func grow(_ n: Int) {
    let bigger = max(capacity * 2, count + n)
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
    p.initialize(from: base, count: count)
    base.deallocate()
    base = p
    capacity = bigger
  }
}
