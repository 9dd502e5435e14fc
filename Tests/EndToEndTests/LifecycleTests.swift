import Glibc
import Testing

/// How the binary ends: signals in the middle of a burst, a closed stdout, end of input with a
/// call in flight; and a terminal on stdin.
@Suite struct LifecycleTests {
  let initLine = #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  let initOK = #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#
  func echo(_ id: Int) -> String { #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":\#(id),"echo":\#(id)}}"# }
  func echoOK(_ id: Int, _ msgID: Int) -> String {
    #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": \#(id), "in_reply_to": \#(id), "msg_id": \#(msgID)}}"#
  }

  /// The value of `key=` in the exit summary line, or nil when there is none.
  func summary(_ child: Child, _ key: String) -> Int? {
    guard let line = child.errLines.first(where: { $0.contains(" INFO exit reason=") }),
      let field = line.split(separator: " ").first(where: { $0.hasPrefix("\(key)=") })
    else { return nil }
    return Int(field.dropFirst(key.count + 1))
  }

  @Test func aSignalDuringABurstFlushesWholeLinesAndExitsZero() {
    for sig in [SIGTERM, SIGINT] {
      let child = Child(["--seed", "1"])
      child.write(initLine + "\n")
      #expect(child.waitForLines(1, within: 10) == [initOK])
      // 20,000 echoes (1.4 MB), written while its replies are read; the signal comes when half
      // are written, so the node is in the middle of the stream, its stdin still open.
      child.makeInputNonBlocking()
      let burst = Array((2..<20002).map { echo($0) + "\n" }.joined().utf8)
      var written = 0
      while written < burst.count / 2 {
        written += child.writeSome(burst[written...])
        var fds = child.outputDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&fds, nfds_t(fds.count), 1)
        for p in fds where p.revents != 0 { child.readOnce(p.fd) }
      }
      kill(child.pid, sig)
      #expect(child.finish(within: 10) == 0)
      // Whatever was answered before the signal came out whole, in order, with nothing after.
      #expect(child.out.last == 0x0A)
      let lines = child.outLines
      #expect(lines.count > 1 && lines.count < 20001)
      #expect(lines == [initOK] + (2..<(lines.count + 1)).map { echoOK($0, $0 - 1) })
      let name = sig == SIGTERM ? "SIGTERM" : "SIGINT"
      #expect(child.errLines.filter { $0.contains("INFO exit reason=\"\(name)\"") }.count == 1)
      // Everything the node counted as sent reached stdout.
      #expect(summary(child, "sent") == lines.count, "\(child.errLines.suffix(2))")
      print("\(name) after \(written) of \(burst.count) bytes: \(lines.count - 1) echoes answered")
    }
  }

  @Test func aClosedStdoutEndsTheNodeWithinTwoSecondsAndOneLine() {
    let child = Child(["--seed", "1"])
    // Started: the start line is out.
    child.write(initLine + "\n")
    #expect(child.waitForLines(1, within: 10).count == 1)
    child.closeOutput()
    child.write((2..<50).map { echo($0) + "\n" }.joined())
    #expect(child.finish(within: 2) == 0)
    // One line says it: the exit summary, at error level so it shows at every log level.
    let errors = child.errLines
    #expect(errors.filter { $0.contains("ERROR exit reason=\"stdout closed (EPIPE)\"") }.count == 1)
    #expect(errors.filter { $0.contains("stdout closed") }.count == 1, "\(errors)")
    let quiet = Child(["--seed", "1", "--log-level", "error"])
    quiet.closeOutput()
    quiet.write(initLine + "\n")
    #expect(quiet.finish(within: 2) == 0)
    #expect(quiet.errLines.count == 1 && quiet.errLines[0].contains("stdout closed"), "\(quiet.errLines)")
  }

  @Test func anUnwritableStdoutIsAnInternalErrorExitingSeventy() {
    // /dev/full takes no byte: write(2) fails with ENOSPC, which no reader going away explains.
    let child = Child(["--seed", "1"], stdoutPath: "/dev/full")
    child.write(initLine + "\n")
    #expect(child.finish(within: 10) == 70)
    // One line says so, as the README promises: the exit summary, naming the error.
    let lines = child.errLines.filter { !$0.contains(" INFO start ") && !$0.contains(" INFO init ") }
    #expect(lines.count == 1, "\(child.errLines)")
    #expect(lines.first?.contains(#"ERROR exit reason="stdout failed (ENOSPC: "#) == true, "\(lines)")
  }

  @Test func endOfInputDrainsACallInFlightThenExitsZero() {
    let child = Child(["--seed", "1", "--rpc-timeout-ms", "100"])
    child.write(initLine + "\n" + #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"# + "\n")
    // The first attempt is out: the call is in flight when input ends.
    #expect(child.waitForLines(2, within: 10).count == 2)
    child.closeInput()
    #expect(child.finish(within: 20) == 0)
    #expect(
      child.outLines == [
        initOK,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "n2", "body": {"type": "read", "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "RPC failed after 3 attempts", "in_reply_to": 2, "msg_id": 4}}"#,
      ])
    #expect(child.errLines.contains { $0.contains("INFO end of input: waiting for 1 pending callbacks") })
    #expect(child.errLines.contains { $0.contains("INFO exit reason=\"end of input\"") })
  }

  @Test func aTerminalOnStdinTakesTypedLinesAndCtrlD() throws {
    // posix_openpt and friends need _XOPEN_SOURCE, which Glibc's module map lacks: the same
    // through /dev/ptmx and its ioctls (TIOCSPTLCK unlocks, TIOCGPTN names the terminal).
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
    try #require(master >= 0)
    defer { close(master) }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    try #require(ioctl(master, 0x4004_5431, &unlock) == 0 && ioctl(master, 0x8004_5430, &number) == 0)
    let slave = "/dev/pts/\(number)"
    let child = Child(["--seed", "1"], stdinPath: slave)
    // Typed as a person would: a line at a time, the terminal echoing it back to the master.
    for line in [initLine, echo(2)] {
      let bytes = Array((line + "\n").utf8)
      #expect(bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) } == bytes.count)
    }
    #expect(child.waitForLines(2, within: 10) == [initOK, echoOK(2, 1)])
    // Ctrl-D at the start of a line: end of input.
    var eof: UInt8 = 4
    #expect(Glibc.write(master, &eof, 1) == 1)
    #expect(child.finish(within: 10) == 0)
    #expect(child.errLines.contains { $0.contains("INFO exit reason=\"end of input\"") })
  }
}
