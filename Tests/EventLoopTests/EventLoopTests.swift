import EventLoop
import Glibc
import NodeRuntime
import Policy
import Testing

// Serialized: libevent lets one base at a time own the process's signal handlers.
@Suite(.serialized)
struct EventLoopTests {
  /// Runs a loop over `input` and `output` and returns its exit status.
  private func run(_ machine: FakeMachine, input: Int32, output: Int32) throws -> Int32 {
    let loop = try EventLoop(machine: machine, input: input, output: output)
    return loop.run()
  }

  @Test func bytesFromAPipeAreDeliveredInOrderAndTheEchoIsWritten() throws {
    let lines = numberedLines(1_000)  // About 20 KiB, within a pipe's capacity.
    let input = Descriptors.input(lines)
    let output = Descriptors.pipe()
    let machine = FakeMachine()
    #expect(try run(machine, input: input, output: output.write) == 0)
    close(output.write)
    #expect(machine.received == lines)
    #expect(Descriptors.readAll(output.read) == uppercased(lines) + Array("BYE\n".utf8))
    #expect(machine.callOrder == ["receive", "endOfInput", "stop(endOfInput)"])
    #expect(machine.stopReasons == [.endOfInput])
    close(input)
    close(output.read)
  }

  @Test func aRegularFileIsReadInChunksToTheEnd() throws {
    let lines = numberedLines(20_000)  // Over 300 KiB: several 64 KiB reads.
    let input = Descriptors.temporaryFile(lines)
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine()
    #expect(try run(machine, input: input, output: output) == 0)
    #expect(machine.received == lines)
    #expect(machine.calls.filter { $0 == "receive" }.count >= lines.count / 65_536)
    #expect(Descriptors.contents(output) == uppercased(lines) + Array("BYE\n".utf8))
    #expect(machine.callOrder == ["receive", "endOfInput", "stop(endOfInput)"])
    close(input)
    close(output)
  }

  @Test func devNullIsAnEmptyInput() throws {
    let input = open("/dev/null", O_RDONLY)
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine()
    #expect(try run(machine, input: input, output: output) == 0)
    #expect(machine.calls == ["endOfInput", "stop(endOfInput)"])
    #expect(Descriptors.contents(output) == Array("BYE\n".utf8))
    close(input)
    close(output)
  }

  @Test func aSocketIsReadLikeAPipe() throws {
    let lines = numberedLines(100)
    let (node, peer) = Descriptors.socketPair()
    Descriptors.writeAll(peer, lines)
    shutdown(peer, Int32(SHUT_WR))
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine()
    #expect(try run(machine, input: node, output: output) == 0)
    #expect(machine.received == lines)
    #expect(Descriptors.contents(output) == uppercased(lines) + Array("BYE\n".utf8))
    close(node)
    close(peer)
    close(output)
  }

  @Test func aDeadlineFiresOnceAtOrAfterItAndThenTheNodeFinishes() throws {
    let deadline = Clock.read().monotonic + .milliseconds(30)
    let input = Descriptors.input([])
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine(deadline: deadline)
    #expect(try run(machine, input: input, output: output) == 0)
    #expect(machine.fireTimes.count == 1)
    #expect(machine.fireTimes.allSatisfy { $0 >= deadline })
    #expect(machine.calls == ["endOfInput", "fire", "stop(endOfInput)"])
    #expect(Descriptors.contents(output) == Array("FIRED\nBYE\n".utf8))
    close(input)
    close(output)
  }

  /// Runs a machine armed for `armed` from now that reads the line `line` and then moves its
  /// deadline to `moved` after that reading. Returns the machine, the start, the moved deadline
  /// and what was written.
  private func runMovingTheDeadline(armed: Interval, line: String, moved: Interval) throws -> (
    machine: FakeMachine, start: Instant, moved: Instant, written: [UInt8]
  ) {
    let start = Clock.read().monotonic
    let input = Descriptors.input(Array((line + "\n").utf8))
    let output = Descriptors.temporaryFile()
    defer {
      close(input)
      close(output)
    }
    let machine = FakeMachine(deadline: start + armed)
    machine.moveDeadlineOn = (line, moved)
    #expect(try run(machine, input: input, output: output) == 0)
    let movedTo = try #require(machine.readings.first).monotonic + moved
    return (machine, start, movedTo, Descriptors.contents(output))
  }

  @Test func aDeadlineThatMovesEarlierFiresAtTheEarlierOne() throws {
    let r = try runMovingTheDeadline(
      armed: .milliseconds(60_000), line: "SOON", moved: .milliseconds(20))
    #expect(r.machine.fireTimes.count == 1)
    #expect(
      r.machine.fireTimes.allSatisfy { $0 >= r.moved && $0 < r.start + .milliseconds(30_000) })
    #expect(r.written == Array("SOON\nFIRED\nBYE\n".utf8))
  }

  @Test func aDeadlineThatMovesLaterWakesTheLoopOnceAtTheOldOneThenFiresAtTheNew() throws {
    // The timer is not set again when the deadline moves later (no system call for a call that
    // was answered): it wakes the loop at the old deadline, which then sets it for the new one.
    let r = try runMovingTheDeadline(
      armed: .milliseconds(200), line: "LATER", moved: .milliseconds(400))
    #expect(r.machine.fireTimes.count == 2)
    #expect(
      r.machine.fireTimes.first.map { $0 >= r.start + .milliseconds(200) && $0 < r.moved } == true)
    #expect(r.machine.fireTimes.last.map { $0 >= r.moved } == true)
    #expect(r.written == Array("LATER\nFIRED\nBYE\n".utf8))
  }

  @Test func aDueTimerRunsBetweenChunksOfARegularFile() throws {
    let lines = numberedLines(20_000)
    let input = Descriptors.temporaryFile(lines)
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine(deadline: Clock.read().monotonic)
    #expect(try run(machine, input: input, output: output) == 0)
    let fire = try #require(machine.calls.firstIndex(of: "fire"))
    let end = try #require(machine.calls.firstIndex(of: "endOfInput"))
    #expect(fire < end)
    #expect(machine.received == lines)
    close(input)
    close(output)
  }

  @Test func clockReadingsPassedToTheMachineNeverGoBack() throws {
    let input = Descriptors.temporaryFile(numberedLines(10_000))
    let output = Descriptors.temporaryFile()
    let machine = FakeMachine(deadline: Clock.read().monotonic + .milliseconds(5))
    #expect(try run(machine, input: input, output: output) == 0)
    let times = machine.readings.map(\.monotonic)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(machine.readings.allSatisfy { $0.unixMilliseconds > 1_600_000_000_000 })
    close(input)
    close(output)
  }

  @Test func aClosedOutputStopsTheNodeWithStatusZero() throws {
    let input = Descriptors.pipe()
    let output = Descriptors.pipe()
    Descriptors.writeAll(input.write, numberedLines(10))
    close(output.read)
    let machine = FakeMachine()
    #expect(try run(machine, input: input.read, output: output.write) == 0)
    #expect(machine.stopReasons == [.outputClosed("EPIPE")])
    #expect(machine.callOrder == ["receive", "stop(outputClosed(\"EPIPE\"))"])
    close(input.read)
    close(input.write)
    close(output.write)
  }

  @Test func sigtermStopsTheNodeWhileInputIsStillOpen() throws {
    let input = Descriptors.pipe()
    let output = Descriptors.temporaryFile()
    Descriptors.writeAll(input.write, Array("hello\nterm\nlost\n".utf8))
    let machine = FakeMachine()
    machine.raiseOn = ("TERM", SIGTERM)
    machine.failsafe = Clock.read().monotonic + .milliseconds(10_000)
    #expect(try run(machine, input: input.read, output: output) == 0)
    #expect(machine.stopReasons == [.signal("SIGTERM")])
    #expect(!machine.calls.contains("endOfInput"))
    #expect(Descriptors.contents(output).starts(with: Array("HELLO\nTERM\n".utf8)))
    close(input.read)
    close(input.write)
    close(output)
  }

  @Test func sigintStopsTheNodeToo() throws {
    let input = Descriptors.pipe()
    let output = Descriptors.temporaryFile()
    Descriptors.writeAll(input.write, Array("int\n".utf8))
    let machine = FakeMachine()
    machine.raiseOn = ("INT", SIGINT)
    machine.failsafe = Clock.read().monotonic + .milliseconds(10_000)
    #expect(try run(machine, input: input.read, output: output) == 0)
    #expect(machine.stopReasons == [.signal("SIGINT")])
    close(input.read)
    close(input.write)
    close(output)
  }

  @Test func aLoopErrorNamesTheCallAndTheReason() {
    let error = LoopError("event_add(stdin)", code: EPERM)
    #expect(error.description == "event_add(stdin) failed: Operation not permitted")
    #expect(
      LoopError("event_new(timer)", code: nil).description
        == "event_new(timer) failed")
  }
}
