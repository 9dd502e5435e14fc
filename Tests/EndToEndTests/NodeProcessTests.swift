import Glibc
import Testing

/// The binary as a process: kinds of stdin, bad input, timers, flags, signals, closed stdout.
@Suite struct NodeProcessTests {
  let initLine = #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#
  func echo(_ id: Int) -> String { #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":\#(id),"echo":\#(id)}}"# }
  func echoOK(_ id: Int, _ msgID: Int) -> String {
    #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": \#(id), "in_reply_to": \#(id), "msg_id": \#(msgID)}}"#
  }

  @Test func aRegularFileOnStdinWorksAndExitsZero() {
    let path = temporaryFile([initLine, echo(2), echo(3)].map { $0 + "\n" }.joined())
    defer { unlink(path) }
    let child = Child(["--seed", "1"], stdinPath: path)
    #expect(child.finish(within: 20) == 0)
    #expect(child.outLines.count == 3 && child.outLines[2] == echoOK(3, 2))
  }

  @Test func devNullOnStdinExitsZeroAtOnce() {
    let child = Child(["--seed", "1"], stdinPath: "/dev/null")
    #expect(child.finish(within: 20) == 0)
    #expect(child.outLines.isEmpty)
    #expect(child.errLines.contains { $0.contains("INFO exit reason=\"end of input\"") })
  }

  @Test func badInputNeitherCrashesTheNodeNorLosesTheNextMessage() {
    let big = #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":90,"echo":""# + String(repeating: "x", count: 5000) + #""}}"#
    let input = [
      initLine, "{\"src\": nope", echo(2), "", "   ", echo(3), big, echo(4),
      "{\n  \"src\": \"c1\",\n  \"dest\": \"n1\",\n  \"body\": {\"type\": \"echo\", \"msg_id\": 5, \"echo\": 5}\n}",
      "[1, 2]", #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":6,"echo":NaN}}"#, echo(7),
    ]
    // Invalid UTF-8 inside a string: a raw 0xFF byte.
    let badUTF8 =
      Array(#"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":8,"echo":""#.utf8) + [0xFF]
      + Array(#""}}"#.utf8) + [0x0A]
    let child = Child(["--seed", "1", "--max-message-bytes", "1000"])
    child.write(input.joined(separator: "\n") + "\n")
    child.write(bytes: badUTF8)
    child.write(echo(9) + "\n")
    child.closeInput()
    #expect(child.finish(within: 20) == 0)
    #expect(
      child.outLines == [
        #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#,
        echoOK(2, 1), echoOK(3, 2), echoOK(4, 3), echoOK(5, 4), echoOK(7, 5), echoOK(9, 6),
      ])
    // One line each: the syntax error, the oversized value, the array, NaN, the bad UTF-8.
    let warnings = child.errLines.filter { $0.contains(" WARN ") }
    #expect(warnings.count == 5, "\(warnings)")
  }

  @Test func aFireAndForgetCallbackIsReapedAfterTheThreshold() {
    let child = Child(["--seed", "1", "--reap-threshold-ms", "150", "--reap-interval-ms", "50"])
    child.write(initLine + "\n" + #"{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":2,"target":"n2","payload":{"type":"x"}}}"# + "\n")
    child.write(#"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":3}}"# + "\n")
    let first = child.waitForLines(4, within: 10)
    #expect(first.count == 4 && first[3].contains(#""count": 1,"#))
    // Past the threshold and the next pass, the reaper has expired it.
    usleep(400_000)
    child.write(#"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":4}}"# + "\n")
    let second = child.waitForLines(5, within: 10)
    #expect(second.count == 5 && second[4].contains(#""count": 0,"#))
    child.closeInput()
    #expect(child.finish(within: 10) == 0)
    #expect(child.errLines.contains { $0.contains("INFO reaper reaped count=1 pending=0 calls=1") })
  }

  @Test func theRetryFlagsChangeTheAttempts() {
    let child = Child(["--seed", "1", "--rpc-timeout-ms", "50", "--retry-attempts", "5"])
    child.write(initLine + "\n" + #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":2,"target":"n2","payload":{"type":"read"}}}"# + "\n")
    child.closeInput()
    #expect(child.finish(within: 20) == 0)
    #expect(child.outLines.count == 7)
    #expect(child.outLines.last?.contains("RPC failed after 5 attempts") == true)
    #expect(child.errLines.filter { $0.contains("INFO rpc retry call=1 kind=relay dest=n2 attempt=") && $0.hasSuffix(" reason=timeout timeout_ms=50 requester=c1:2") }.count == 4)
  }

  @Test func sigtermAndSigintFlushAndExitZero() {
    for sig in [SIGTERM, SIGINT] {
      let child = Child(["--seed", "1"])
      child.write(initLine + "\n")
      #expect(child.waitForLines(1, within: 10).count == 1)
      kill(child.pid, sig)
      #expect(child.finish(within: 10) == 0)
      #expect(child.errLines.contains { $0.contains("INFO exit reason=\"SIG") })
    }
  }

  @Test func aClosedStdoutEndsTheNodeWithOneLine() {
    let child = Child(["--seed", "1"])
    child.closeOutput()
    child.write(initLine + "\n" + echo(2) + "\n")
    #expect(child.finish(within: 10) == 0)
    #expect(child.errLines.filter { $0.contains("stdout closed") }.count == 1)
  }

  @Test func aBadFlagValueExitsSixtyFourWithOneLineNamingIt() {
    for args in [["--rpc-timeout-ms", "abc"], ["--retry-attempts", "0"], ["--bogus"], ["--log-level", "loud"]] {
      let child = Child(args, stdinPath: "/dev/null")
      #expect(child.finish(within: 10) == 64, "\(args)")
      #expect(child.errLines.count == 1 && child.errLines[0].contains(args[0]), "\(child.errLines)")
    }
  }

  @Test func versionAndHelpExitZero() {
    let v = Child(["--version"], stdinPath: "/dev/null")
    #expect(v.finish(within: 10) == 0 && v.outLines == ["messenger 0.1.0"])
    let h = Child(["--help"], stdinPath: "/dev/null")
    #expect(h.finish(within: 10) == 0 && h.outLines.contains { $0.contains("--backoff-jitter") })
  }

  @Test func theStartLineLogsTheSeed() {
    let child = Child(["--seed", "12345"], stdinPath: "/dev/null")
    #expect(child.finish(within: 10) == 0)
    #expect(child.errLines.first?.contains("INFO start messenger 0.1.0 seed=12345 ") == true)
  }
}
