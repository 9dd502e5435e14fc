import Glibc
import Policy
import Testing

/// A flood of seeded pseudo-random bytes, with a valid echo every 64 KiB, through a pipe: every
/// echo is answered, byte for byte, and the node's peak memory stays within twice an idle node's.
/// MESSENGER_FLOOD_BYTES sets the size: 128 MiB by default (`make check`), 1 GiB in `make flood`.
@Suite struct FloodTests {
  static let initLine =
    #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  static let blockBytes = 1 << 20
  static let echoEvery = 64 << 10

  static var floodBytes: Int {
    guard let v = getenv("MESSENGER_FLOOD_BYTES"), let n = Int(String(cString: v)), n > 0 else {
      return 128 << 20
    }
    return n
  }

  /// Echo `k`, after a line holding one control byte: whatever state the garbage before it left
  /// the parser in (inside a string, an array, an object), that byte is a syntax error, so the
  /// echo starts on a fresh line.
  static func echoLine(_ k: Int) -> [UInt8] {
    [0x0A, 0x01, 0x0A]
      + Array(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":\#(k),"echo":\#(k)}}"#.utf8)
      + [0x0A]
  }

  static func reply(_ k: Int) -> String {
    #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": \#(k), "in_reply_to": \#(k), "msg_id": \#(k)}}"#
  }

  @Test func aFloodOfRandomBytesLosesNoEchoAndKeepsMemoryBounded() {
    let args = ["--seed", "1", "--log-level", "error"]
    let idle = Child(args)
    idle.write(Self.initLine + "\n")
    #expect(idle.waitForLines(1, within: 10).count == 1)
    let idleKiB = idle.peakResidentKiB
    idle.closeInput()
    #expect(idle.finish(within: 10) == 0)

    let child = Child(args)
    child.write(Self.initLine + "\n")
    var rng = SplitMix64(seed: 0x5EED)
    var base = [UInt8](repeating: 0, count: Self.blockBytes)
    base.withUnsafeMutableBytes { b in
      for i in stride(from: 0, to: b.count, by: 8) { b.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self) }
    }
    var sent = 0
    var echoes = 0
    var out: [UInt8] = []
    let start = monotonicSeconds()
    var block: [UInt8] = []
    block.reserveCapacity(Self.blockBytes + 2048)
    while sent < Self.floodBytes {
      // Each block: 64 KiB pieces of the base bytes from random offsets, each followed by an
      // echo; then a few base bytes change.
      block.removeAll(keepingCapacity: true)
      base.withUnsafeBufferPointer { b in
        for _ in 0..<(Self.blockBytes / Self.echoEvery) {
          let at = Int(rng.next() % UInt64(Self.blockBytes - Self.echoEvery))
          block.append(contentsOf: UnsafeBufferPointer(rebasing: b[at..<(at + Self.echoEvery)]))
          echoes += 1
          block.append(contentsOf: Self.echoLine(echoes))
        }
      }
      for _ in 0..<64 { base[Int(rng.next() % UInt64(Self.blockBytes))] = UInt8(truncatingIfNeeded: rng.next()) }
      guard child.writeDraining(block, into: &out) else { break }
      sent += block.count
    }
    let floodKiB = child.peakResidentKiB
    child.closeInput()
    #expect(child.finish(within: 120) == 0)
    let seconds = monotonicSeconds() - start
    let lines = String(decoding: out + child.out, as: UTF8.self).split(separator: "\n")
    #expect(sent >= Self.floodBytes)
    #expect(lines.count == echoes + 1)
    var wrong = 0
    for (k, line) in lines.enumerated().dropFirst() where line != Self.reply(k) {
      if wrong == 0 { Issue.record("line \(k): \(line), want \(Self.reply(k))") }
      wrong += 1
    }
    #expect(wrong == 0)
    #expect(floodKiB <= 2 * idleKiB, "peak RSS \(floodKiB) KiB flooded, \(idleKiB) KiB idle")
    let mbps = Double(sent) / 1_048_576 / seconds
    print(
      "flood: \(sent >> 20) MiB, \(echoes) echoes answered in \(Int(seconds * 1000)) ms"
        + " (\(Int(mbps)) MiB/s); peak RSS idle \(idleKiB) KiB, flooded \(floodKiB) KiB")
  }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension Child {
  /// The process's peak resident set (VmHWM in /proc/PID/status), in KiB; 0 if unreadable.
  var peakResidentKiB: Int {
    guard let f = fopen("/proc/\(pid)/status", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), f) != nil {
      let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      guard text.hasPrefix("VmHWM:") else { continue }
      return Int(text.dropFirst(6).filter { $0.isNumber }) ?? 0
    }
    return 0
  }

  /// Writes all of `bytes` to its stdin without blocking on a full pipe, reading its stdout into
  /// `out` meanwhile, so neither side waits for the other; false when its stdin closed.
  func writeDraining(_ bytes: [UInt8], into out: inout [UInt8]) -> Bool {
    let flags = fcntl(stdinFD, F_GETFL)
    if flags & O_NONBLOCK == 0 { _ = fcntl(stdinFD, F_SETFL, flags | O_NONBLOCK) }
    var done = 0
    var buf = [UInt8](repeating: 0, count: 65536)
    while done < bytes.count {
      var fds = [
        pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0),
        pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
      ]
      guard poll(&fds, 2, 10_000) > 0 else { return false }
      if fds[1].revents != 0 {
        let n = read(stdoutFD, &buf, buf.count)
        if n > 0 { out += buf[0..<n] }
      }
      if fds[0].revents & Int16(POLLERR | POLLHUP) != 0 { return false }
      if fds[0].revents != 0 {
        let n = bytes.withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress! + done, $0.count - done) }
        if n > 0 {
          done += n
        } else if errno != EAGAIN {
          return false
        }
      }
    }
    return true
  }
}
