internal import CLibevent
import Glibc
import NodeRuntime
import Policy

/// Drives a `Machine` from one libevent (epoll) loop on one thread: stdin bytes, one timer for
/// the machine's next deadline, SIGINT and SIGTERM, and stdout written once per callback.
public final class EventLoop {
  /// Bytes asked of `read(2)` per stdin callback; one buffer of this size is reused.
  static let readSize = 65_536

  private let machine: any Machine
  private let input: Int32
  private let output: Int32
  private let base: OpaquePointer
  private let buffer: UnsafeMutableRawBufferPointer
  /// Stdin's event: persistent and readable for pipes, sockets and terminals, or a zero-timeout
  /// timer re-added after each chunk for regular files and `/dev/null`, which epoll refuses.
  private var inputEvent: OpaquePointer?
  private var inputOpen = true
  /// The one timer: a timerfd watched for readability, set for an absolute CLOCK_MONOTONIC
  /// deadline, so it is set again only when the deadline moves, never once per pass.
  private var timerFD: Int32 = -1
  private var timer: OpaquePointer?
  /// What the timerfd is set for, until it expires; nil when it is disarmed or has expired.
  private var armedDeadline: Instant?
  /// True from the timer's expiry until it is set again: an expired timerfd stays readable.
  private var timerExpired = false
  private var signalEvents: [OpaquePointer] = []
  /// The errno of the first failed write to stdout; later output is discarded.
  private var outputErrno: Int32 = 0
  /// The exit status, set once the loop has decided to stop.
  private var status: Int32?
  private var started = false

  /// Sets up the loop for `machine`, reading `input` and writing `output`; ignores SIGPIPE so a
  /// closed reader shows up as EPIPE; throws when libevent refuses any step.
  public init(machine: any Machine, input: Int32 = 0, output: Int32 = 1) throws(LoopError) {
    signal(SIGPIPE, SIG_IGN)
    self.machine = machine
    self.input = input
    self.output = output
    // A closed descriptor would go to the next file opened (libevent's epoll, say): park
    // /dev/null on it first. Closed stdin is then empty; closed stdout fails the first write.
    let outputWasClosed = try Self.reopenIfClosed(output, O_WRONLY)
    _ = try Self.reopenIfClosed(input, O_RDONLY)
    self.base = try Self.makeBase()
    self.buffer = .allocate(byteCount: Self.readSize, alignment: 16)
    if outputWasClosed { outputErrno = EBADF }
    // From here on `self` is whole: a throw runs `deinit`, which frees what was made.
    timerFD = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
    guard timerFD >= 0 else { throw LoopError("timerfd_create", code: errno) }
    let timerEvent = try makeEvent(timerFD, EV_READ | EV_PERSIST, "timer") { _, _, arg in
      EventLoop.from(arg).onTimer()
    }
    timer = timerEvent
    guard event_add(timerEvent, nil) == 0 else { throw LoopError("event_add(timer)", code: errno) }
    for number in [SIGINT, SIGTERM] {
      let event = try makeEvent(number, EV_SIGNAL | EV_PERSIST, "signal") { number, _, arg in
        EventLoop.from(arg).onSignal(number)
      }
      signalEvents.append(event)
      guard event_add(event, nil) == 0 else { throw LoopError("event_add(signal)", code: errno) }
    }
    // A parent may hand us these signals blocked (posix_spawn keeps the mask; so do thread pools
    // that block them): unblock them, or SIGTERM would never reach the loop.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    guard pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil) == 0 else {
      throw LoopError("pthread_sigmask(SIG_UNBLOCK)", code: errno)
    }
    try openInput()
  }

  deinit {
    for event in [inputEvent, timer].compactMap({ $0 }) + signalEvents { event_free(event) }
    event_base_free(base)
    if timerFD >= 0 { close(timerFD) }
    buffer.deallocate()
  }

  /// Runs until the machine is finished after end of input, a signal, or a closed output;
  /// returns the exit status (0, or 70 after an internal error, whose one-line message went to
  /// stderr).
  public func run() -> Int32 {
    precondition(!started, "EventLoop.run() is called once")
    started = true
    settle()  // Output made before the loop started, and the first deadline.
    while status == nil {
      let result = event_base_loop(base, 0)
      guard status == nil else { break }
      // The signal events are persistent, so the loop never runs out of events on its own.
      if result < 0 {
        fail("event_base_loop", code: errno)
      } else {
        fail("event_base_loop (returned \(result) with nothing left to wait for)", code: nil)
      }
    }
    return status ?? 70
  }

  /// An epoll base deaf to EVENT_* variables. Not libevent's precise timers: they set its
  /// timerfd before every `epoll_wait`, one system call per pass; the loop's own timerfd is set
  /// only when the deadline moves. Libevent's own timeouts are left to its coarse clock, and the
  /// loop gives it none but the zero-timeout read of a regular file.
  private static func makeBase() throws(LoopError) -> OpaquePointer {
    // libevent's own warnings, as whole lines through the one stderr writer.
    event_set_log_callback { severity, message in
      let level = ["debug", "msg", "warn", "err"][Int(max(0, min(severity, 3)))]
      let text = message.map { String(cString: $0) } ?? ""
      StandardError.writeLine("messenger: libevent [\(level)]: \(text)")
    }
    guard let config = event_config_new() else { throw LoopError("event_config_new") }
    defer { event_config_free(config) }
    guard event_config_set_flag(config, Int32(EVENT_BASE_FLAG_IGNORE_ENV.rawValue)) == 0 else {
      throw LoopError("event_config_set_flag")
    }
    for method in ["select", "poll"] {
      guard event_config_avoid_method(config, method) == 0 else {
        throw LoopError("event_config_avoid_method(\(method))")
      }
    }
    guard let base = event_base_new_with_config(config) else {
      throw LoopError("event_base_new_with_config(epoll)", code: errno)
    }
    return base
  }

  /// The loop behind a callback's argument, which is `self`, unretained: the loop outlives its
  /// events because `deinit` frees them.
  private static func from(_ arg: UnsafeMutableRawPointer?) -> EventLoop {
    Unmanaged<EventLoop>.fromOpaque(arg!).takeUnretainedValue()
  }

  private func makeEvent(
    _ fd: Int32, _ what: Int32, _ name: String, _ callback: event_callback_fn
  ) throws(LoopError) -> OpaquePointer {
    let arg = Unmanaged.passUnretained(self).toOpaque()
    guard let event = event_new(base, fd, Int16(what), callback, arg) else {
      throw LoopError("event_new(\(name))", code: errno)
    }
    return event
  }

  /// Watches stdin with epoll when it accepts it (pipes, sockets, terminals); otherwise (regular
  /// files, `/dev/null`) reads it from a zero-timeout timer, so due timers run between chunks.
  private func openInput() throws(LoopError) {
    if Self.epollAccepts(input) {
      let event = try makeEvent(input, EV_READ | EV_PERSIST, "stdin") { _, _, arg in
        EventLoop.from(arg).onReadable()
      }
      inputEvent = event
      guard event_add(event, nil) == 0 else { throw LoopError("event_add(stdin)", code: errno) }
      return
    }
    inputEvent = try makeEvent(-1, 0, "stdin poll") { _, _, arg in
      EventLoop.from(arg).onInputPoll()
    }
    if let failure = pollInput() { throw failure }
  }

  /// Whether epoll takes `fd`, asked of a scratch epoll instance (three system calls, once),
  /// because libevent would log a warning of its own for a refusal.
  private static func epollAccepts(_ fd: Int32) -> Bool {
    let probe = epoll_create1(Int32(EPOLL_CLOEXEC))
    guard probe >= 0 else { return false }
    defer { close(probe) }
    var event = epoll_event()
    event.events = EPOLLIN.rawValue
    return epoll_ctl(probe, EPOLL_CTL_ADD, fd, &event) == 0
  }

  /// Opens `/dev/null` on `fd` when `fd` is closed; returns whether it was.
  private static func reopenIfClosed(_ fd: Int32, _ mode: Int32) throws(LoopError) -> Bool {
    guard fcntl(fd, F_GETFD) < 0, errno == EBADF else { return false }
    let null = open("/dev/null", mode)
    guard null >= 0 else { throw LoopError("open(/dev/null)", code: errno) }
    if null != fd {
      defer { close(null) }
      guard dup2(null, fd) == fd else { throw LoopError("dup2(/dev/null)", code: errno) }
    }
    return true
  }

  /// Schedules the next read of a polled stdin at once (after the timers already due).
  private func pollInput() -> LoopError? {
    var zero = timeval(tv_sec: 0, tv_usec: 0)
    return event_add(inputEvent, &zero) == 0 ? nil : LoopError("event_add(stdin poll)", code: errno)
  }

  private func onReadable() {
    readInput()
    settle()
  }

  private func onInputPoll() {
    readInput()
    if inputOpen, status == nil, let failure = pollInput() {
      return fail(failure.call, code: failure.code)
    }
    settle()
  }

  /// Reads one chunk of stdin into the machine; end of file, or a read error, ends the input.
  private func readInput() {
    guard inputOpen, status == nil else { return }
    var count: Int
    var code: Int32 = 0
    repeat {
      count = read(input, buffer.baseAddress, Self.readSize)
      if count < 0 { code = errno }
    } while count < 0 && code == EINTR
    if count > 0 {
      let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      return machine.receive(bytes, at: Clock.read())
    }
    if count < 0 {
      // Someone else made stdin non-blocking: wait for the next readiness.
      if code == EAGAIN || code == EWOULDBLOCK { return }
      StandardError.writeLine(
        "messenger: read(stdin) failed (\(errnoName(code)): \(errnoText(code))), "
          + "treating it as end of input")
    }
    inputOpen = false
    if let inputEvent, event_del(inputEvent) != 0 {
      return fail("event_del(stdin)", code: errno)
    }
    machine.endOfInput(at: Clock.read())
  }

  private func onTimer() {
    guard status == nil else { return }
    armedDeadline = nil
    timerExpired = true
    machine.fire(at: Clock.read())
    settle()
  }

  private func onSignal(_ number: Int32) {
    guard status == nil else { return }
    finish(.signal(number == SIGINT ? "SIGINT" : "SIGTERM"))
  }

  /// After every callback: writes the machine's output, stops if it is finished, else re-arms
  /// the timer for its next deadline.
  private func settle() {
    guard status == nil else { return }
    flush()
    if outputErrno != 0 { return outputClosed() }
    if machine.isFinished { return finish(.endOfInput) }
    let deadline = machine.nextDeadline
    if timerExpired {
      arm(deadline)  // For what is due next, or disarmed: either way no longer readable.
    } else if let deadline, armedDeadline.map({ deadline < $0 }) ?? true {
      arm(deadline)  // Earlier than what the timer is set for, or nothing was set.
    }
    if status == nil, !inputOpen, deadline == nil {
      // Nothing could ever wake the machine again: say so rather than hang.
      StandardError.writeLine(
        "messenger: internal error: input ended, nothing is scheduled, yet the node is not finished"
      )
      finish(.endOfInput, status: 70)
    }
  }

  /// Sets the timerfd to expire at `deadline`, an absolute CLOCK_MONOTONIC time (the clock of
  /// `Instant`), so never before it; nil disarms it. Called only when the deadline moves earlier
  /// or the timer expired (which leaves it readable until it is set again). A deadline that moves
  /// later, or goes away, leaves the timer as it is: the call whose timeout it was is answered,
  /// and costs no system call; the timer wakes the loop once, at most one timeout later, and is
  /// set then for what is due next, or disarmed. An idle node then makes no system call.
  private func arm(_ deadline: Instant?) {
    var spec = itimerspec()  // All zero: disarmed.
    if let deadline {
      // A zero it_value would disarm: a deadline at or before the clock's start is due at once.
      let ns = max(1, deadline.nanoseconds)
      spec.it_value = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    }
    guard timerfd_settime(timerFD, Int32(TFD_TIMER_ABSTIME), &spec, nil) == 0 else {
      return fail("timerfd_settime", code: errno)
    }
    armedDeadline = deadline
    timerExpired = false
  }

  /// Writes everything the machine produced with one `write(2)` per chunk it hands over.
  private func flush() {
    machine.takeOutput { bytes in
      guard outputErrno == 0 else { return }
      outputErrno = writeAll(fd: output, bytes)
    }
  }

  /// Stdout's reader went away (or writing failed otherwise): stop. The machine's exit summary
  /// is the one line that says so; any error but EPIPE is an internal one, named with its text.
  private func outputClosed() {
    let code = outputErrno
    let name = errnoName(code)
    let detail = code == EPIPE ? name : "\(name): \(errnoText(code))"
    finish(.outputClosed(detail), status: code == EPIPE ? 0 : 70)
  }

  /// Tells the machine why it stops, writes its last output, and breaks out of the loop.
  private func finish(_ reason: StopReason, status: Int32 = 0) {
    machine.stop(reason, at: Clock.read())
    flush()  // Discarded once stdout has failed.
    if outputErrno != 0, !reason.isOutputClosed {
      StandardError.writeLine("messenger: stdout failed (\(errnoName(outputErrno))) while stopping")
    }
    self.status = status
    if event_base_loopbreak(base) != 0 { fail("event_base_loopbreak", code: nil) }
  }

  /// An internal error: one stderr line naming the call, exit status 70.
  private func fail(_ call: String, code: Int32?) {
    StandardError.writeLine("messenger: \(LoopError(call, code: code))")
    if status == nil || status == 0 { status = 70 }
    _ = event_base_loopbreak(base)
  }
}
