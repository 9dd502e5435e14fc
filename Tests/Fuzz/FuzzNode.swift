import Glibc
import Handlers
import NodeRuntime
import Policy
import Wire

// libFuzzer's entry point: the input bytes go to a fresh node on virtual time, in a few chunks
// split at points derived from the bytes, with time advancing between chunks; then input ends
// and time runs until nothing is left. Built only by `make fuzz` (MESSENGER_FUZZ=1).

/// Runs one input through a node and checks what it wrote; a broken invariant traps, which
/// libFuzzer reports as a crash with the input saved.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
  if parserOnly {
    // The stream parser alone (`make fuzz FUZZ_TARGET=parser`): the resync rules every byte goes
    // through, many times faster than a whole node run per input.
    FuzzRun.checkChunking(input, FuzzRun.cuts(input, hash: FuzzRun.hash(input)))
  } else {
    var run = FuzzRun(input)
    run.run()
  }
  checkViewsAgreeWithTrees(input)
  return 0
}

/// Whether only the stream parser is fuzzed (MESSENGER_FUZZ_PARSER set), not the whole node.
let parserOnly = getenv("MESSENGER_FUZZ_PARSER") != nil

/// One input's run: the node, the virtual clock and the checks on each output line.
struct FuzzRun {
  /// Virtual time past which every call must have ended: the longest `backoff_relay` and a
  /// reaper pass take well under a minute with the default settings.
  static let quietBy = Instant(nanoseconds: 600_000_000_000)

  let input: UnsafeRawBufferPointer
  /// FNV-1a of the input: where to split it, how far to move the clock, whether to `init` first.
  let hash: UInt64
  let node: Runtime
  var now = Instant.zero
  var lastMsgID = -1

  init(_ input: UnsafeRawBufferPointer) {
    self.input = input
    hash = FuzzRun.hash(input)
    var config = NodeConfig()
    config.seed = 7
    // Trace: every value in and out is also formatted for the log, which the sink discards.
    config.logLevel = .trace
    // Small enough that an input of a few KiB can hold an oversized value.
    config.maxMessageBytes = 2048
    config.maxPending = 64
    let track = MessengerTrack()
    node = Runtime(
      config: config, logger: Logger(level: .trace) { _ in },
      at: ClockReading(monotonic: .zero, unixMilliseconds: 1_795_428_902_481)
    ) { node in track.install(on: node) }
  }

  mutating func run() {
    if hash & 1 == 0 {
      feed(
        Array(
          #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
            .utf8) + [0x0A])
    }
    let cuts = FuzzRun.cuts(input, hash: hash)
    FuzzRun.checkChunking(input, cuts)
    for (i, (from, to)) in zip(cuts, cuts.dropFirst()).enumerated() {
      feed(UnsafeRawBufferPointer(rebasing: input[from..<to]))
      // 0, 1, 300 or 700 ms: inside and past the RPC timeout between chunks.
      let stepMs: Int64 = [0, 1, 300, 700][Int(hash >> (56 + 2 * UInt64(i))) & 3]
      advance(to: now + .milliseconds(stepMs))
    }
    node.endOfInput(at: reading)
    collect()
    advance(to: FuzzRun.quietBy)
    precondition(node.nextDeadline == nil, "a timer is still armed after \(now)")
    precondition(node.node.pendingCount == 0, "\(node.node.pendingCount) calls pending at the end")
    precondition(node.isFinished, "input ended and nothing is pending, yet not finished")
  }

  var reading: ClockReading {
    ClockReading(monotonic: now, unixMilliseconds: 1_795_428_902_481 + now.nanoseconds / 1_000_000)
  }

  mutating func feed(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { feed($0) }
  }

  mutating func feed(_ bytes: UnsafeRawBufferPointer) {
    node.receive(bytes, at: reading)
    collect()
  }

  /// Fires every deadline up to `target`, each at its time; a deadline that does not move on
  /// after firing would spin the event loop, so it traps.
  mutating func advance(to target: Instant) {
    var fired = 0
    while let due = node.nextDeadline, due <= target {
      now = Swift.max(now, due)
      node.fire(at: reading)
      collect()
      fired += 1
      precondition(fired < 100_000, "timers keep firing at \(now)")
    }
    now = Swift.max(now, target)
  }

  /// Takes what the node wrote and checks each line.
  mutating func collect() {
    var lines: [[UInt8]] = []
    node.takeOutput { bytes in
      precondition(bytes.last == 0x0A, "output does not end with a newline")
      for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
        lines.append(Array(line))
      }
    }
    for line in lines { check(line) }
  }

  /// A line is ASCII, parses as an object with string `src` and `dest` and an object `body`
  /// with an integer `msg_id` above every earlier one, and prints back as itself.
  mutating func check(_ line: [UInt8]) {
    precondition(line.allSatisfy { $0 < 0x80 && $0 != 0x0A }, "non-ASCII output line")
    let text = String(decoding: line, as: UTF8.self)
    let value: JSON
    do {
      value = try JSON.parse(text)
    } catch {
      preconditionFailure("output line does not parse: \(error) in \(text)")
    }
    guard let top = value.objectValue, let src = top["src"]?.stringValue, !src.isEmpty,
      top["dest"]?.stringValue != nil, let body = top["body"]?.objectValue
    else { preconditionFailure("output line is not an envelope from a named node: \(text)") }
    guard let id = body["msg_id"]?.intValue, id > lastMsgID else {
      preconditionFailure("msg_id missing or not increasing after \(lastMsgID): \(text)")
    }
    lastMsgID = id
    precondition(value.pythonText == text, "prints differently once parsed: \(text)")
  }

  /// FNV-1a of the input.
  static func hash(_ input: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in input { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
  }

  /// Where the input is cut into chunks: its ends and three points the hash picks, in order.
  static func cuts(_ input: UnsafeRawBufferPointer, hash: UInt64) -> [Int] {
    var cuts = [0, input.count]
    for i in 0..<3 { cuts.append(Int((hash >> (8 + 16 * UInt64(i))) & 0xffff) % (input.count + 1)) }
    return cuts.sorted()
  }

  /// The stream parser's events do not depend on where chunks end: the whole input at once and
  /// in the run's chunks give the same values and problems (offset, line, column, reason).
  static func checkChunking(_ input: UnsafeRawBufferPointer, _ cuts: [Int]) {
    func events(_ cuts: [Int]) -> [String] {
      var parser = StreamParser(maxValueBytes: 2048)
      var out: [String] = []
      for (from, to) in zip(cuts, cuts.dropFirst()) {
        parser.feed(UnsafeRawBufferPointer(rebasing: input[from..<to])) { out.append(text($0)) }
      }
      parser.finish { out.append(text($0)) }
      return out
    }
    func text(_ event: ParseEvent) -> String {
      switch event {
      case .value(let v): return v.pythonText
      case .malformed(let m): return "\(m.offset) \(m.line):\(m.column) \(m.reason)"
      }
    }
    let whole = events([0, input.count])
    precondition(events(cuts) == whole, "chunking changed the events: \(cuts)")
  }
}
