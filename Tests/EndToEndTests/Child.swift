import Glibc

/// The built `messenger` binary, beside the test bundle in the build folder.
let messengerPath: String = {
  var buf = [CChar](repeating: 0, count: 4096)
  let n = readlink("/proc/self/exe", &buf, buf.count - 1)
  precondition(n > 0, "cannot read /proc/self/exe")
  let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  return String(exe[..<exe.lastIndex(of: "/")!]) + "/messenger"
}()

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which the Glibc module
/// does not export, looked up by name.
let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
  guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
    preconditionFailure("glibc 2.34 or later is needed: no posix_spawn_file_actions_addclosefrom_np")
  }
  return unsafeBitCast(
    symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// glibc's `pipe2`, which the Glibc module does not export (it is a GNU extension), looked up
/// by name.
let pipe2: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
  guard let symbol = dlsym(nil, "pipe2") else { preconditionFailure("glibc has no pipe2") }
  return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

/// A running `messenger`, its stdin a pipe (or a file), its stdout and stderr pipes.
final class Child {
  let pid: pid_t
  /// The write end of its stdin, or -1 when stdin is a file.
  private(set) var stdinFD: Int32
  private(set) var stdoutFD: Int32
  private var stderrFD: Int32
  private(set) var out: [UInt8] = []
  private(set) var err: [UInt8] = []
  private(set) var status: Int32?

  /// Starts messenger with `args`; stdin is `stdinPath` when given, else a pipe; stdout is
  /// `stdoutPath` (opened for writing) when given, else a pipe.
  init(_ args: [String] = [], stdinPath: String? = nil, stdoutPath: String? = nil) {
    // A test writing to a node that already exited must see EPIPE, not die of SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    // Close-on-exec: a process another test starts (popen's shell, the stand-in's python)
    // must not inherit our end of this node's stdin, or the node sees no end of input until
    // that process exits. posix_spawn's dup2 clears the flag on the node's own 0, 1 and 2.
    if stdinPath == nil { precondition(pipe2(&inPipe, O_CLOEXEC) == 0) }
    precondition(pipe2(&outPipe, O_CLOEXEC) == 0 && pipe2(&errPipe, O_CLOEXEC) == 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    if let stdinPath {
      posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
    } else {
      posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    }
    if let stdoutPath {
      posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY, 0)
    } else {
      posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    }
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    // The node keeps 0, 1 and 2 only. Tests run in parallel: without this it would inherit the
    // pipes of other tests and nodes, and an inherited read end of another node's stdout keeps
    // EPIPE from that node, an inherited write end of its stdin its end of input.
    precondition(addCloseFrom(&actions, 3) == 0)
    let argv = ([messengerPath] + args).map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, messengerPath, &actions, nil, argv, environ)
    precondition(rc == 0, "posix_spawn \(messengerPath) failed: \(rc)")
    for arg in argv { free(arg) }
    posix_spawn_file_actions_destroy(&actions)
    self.pid = pid
    if stdinPath == nil { close(inPipe[0]) }
    close(outPipe[1])
    close(errPipe[1])
    stdinFD = inPipe[1]
    stdoutFD = outPipe[0]
    if stdoutPath != nil {
      close(outPipe[0])
      stdoutFD = -1
    }
    stderrFD = errPipe[0]
  }

  deinit {
    if status == nil {
      kill(pid, SIGKILL)
      _ = finish(within: 5)
    }
    for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
  }

  /// Writes `text` to its stdin.
  func write(_ text: String) { write(bytes: Array(text.utf8)) }

  /// Writes raw `bytes` to its stdin.
  func write(bytes: [UInt8]) {
    var bytes = bytes
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeMutableBytes { Glibc.write(stdinFD, $0.baseAddress! + done, $0.count - done) }
      if n <= 0 { return }
      done += n
    }
  }

  /// Closes its stdin: end of input.
  func closeInput() {
    if stdinFD >= 0 { close(stdinFD) }
    stdinFD = -1
  }

  /// Closes the read end of its stdout, so its next write fails with EPIPE.
  func closeOutput() {
    close(stdoutFD)
    stdoutFD = -1
  }

  /// Makes our end of its stdin non-blocking (the node's end is a separate file description and
  /// stays blocking), for a router that must never block on one node while another waits.
  func makeInputNonBlocking() {
    precondition(stdinFD >= 0 && fcntl(stdinFD, F_SETFL, fcntl(stdinFD, F_GETFL) | O_NONBLOCK) == 0)
  }

  /// Writes what its stdin takes now of `bytes` without blocking; returns the count written (0
  /// when the pipe is full, or its reader is gone).
  func writeSome(_ bytes: ArraySlice<UInt8>) -> Int {
    guard stdinFD >= 0, !bytes.isEmpty else { return 0 }
    let n = bytes.withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress, $0.count) }
    return Swift.max(n, 0)
  }

  /// Its stdout and stderr descriptors that are still open, to poll.
  var outputDescriptors: [Int32] { [stdoutFD, stderrFD].filter { $0 >= 0 } }

  /// Reads once from `fd`, its stdout or stderr, keeping the bytes; closes it at end of file.
  func readOnce(_ fd: Int32) {
    var buf = [UInt8](repeating: 0, count: 65536)
    let n = read(fd, &buf, buf.count)
    if n > 0 {
      if fd == stdoutFD { out += buf[0..<n] } else { err += buf[0..<n] }
    } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
      close(fd)
      if fd == stdoutFD { stdoutFD = -1 } else { stderrFD = -1 }
    }
  }

  /// The whole stdout lines that arrived since the last call, without their newlines.
  func takeLines() -> [String] {
    guard let end = out.lastIndex(of: 0x0A), end >= taken else { return [] }
    let lines = out[taken..<end].split(separator: 0x0A, omittingEmptySubsequences: false)
    taken = end + 1
    return lines.map { String(decoding: $0, as: UTF8.self) }
  }
  private var taken = 0

  /// True once it has exited (reaped without blocking).
  var hasExited: Bool { reap() }

  /// Reads what it writes until stdout has `lines` lines or `seconds` pass.
  func waitForLines(_ lines: Int, within seconds: Double) -> [String] {
    pump(until: seconds) { self.outLines.count >= lines }
    return outLines
  }

  /// Reads its output until it exits, killing it after `seconds`; returns its exit status, or
  /// nil when it had to be killed.
  func finish(within seconds: Double) -> Int32? {
    pump(until: seconds) { self.reap() }
    if status == nil {
      kill(pid, SIGKILL)
      var s: Int32 = 0
      waitpid(pid, &s, 0)
      return nil
    }
    return status
  }

  /// Its stdout, as lines.
  var outLines: [String] { String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init) }
  /// Its stderr, as lines.
  var errLines: [String] { String(decoding: err, as: UTF8.self).split(separator: "\n").map(String.init) }

  private func reap() -> Bool {
    if status != nil { return true }
    var s: Int32 = 0
    guard waitpid(pid, &s, WNOHANG) == pid else { return false }
    // Exited normally: its status; killed by a signal: 128 + the signal, as a shell says.
    status = (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f)
    drain()
    return true
  }

  private func drain() {
    var buf = [UInt8](repeating: 0, count: 65536)
    for (fd, isOut) in [(stdoutFD, true), (stderrFD, false)] where fd >= 0 {
      while true {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { break }
        let n = read(fd, &buf, buf.count)
        if n <= 0 { break }
        if isOut { out += buf[0..<n] } else { err += buf[0..<n] }
      }
    }
  }

  private func pump(until seconds: Double, _ done: () -> Bool) {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let end = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 + seconds
    while !done() {
      clock_gettime(CLOCK_MONOTONIC, &ts)
      let left = end - (Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
      if left <= 0 { return }
      var fds = [stdoutFD, stderrFD].filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      _ = poll(&fds, nfds_t(fds.count), Int32(Swift.min(left * 1000, 20)))
      for p in fds where p.revents != 0 { readOnce(p.fd) }
    }
  }
}

/// Writes `text` to a new temporary file and returns its path.
func temporaryFile(_ text: String) -> String {
  var template = Array("/tmp/messenger-e2e-XXXXXX".utf8CString)
  let fd = mkstemp(&template)
  precondition(fd >= 0)
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
  close(fd)
  return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
