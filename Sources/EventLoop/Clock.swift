import Glibc
import Policy

/// The process's clocks: the only place in the node that reads time.
public enum Clock {
  /// Reads the monotonic clock (for deadlines) and the wall clock (for printed timestamps).
  public static func read() -> ClockReading {
    var mono = timespec()
    var wall = timespec()
    // Both calls go through the vDSO: no system call, about 20 ns each.
    clock_gettime(CLOCK_MONOTONIC, &mono)
    clock_gettime(CLOCK_REALTIME, &wall)
    let ns = Int64(mono.tv_sec) * 1_000_000_000 + Int64(mono.tv_nsec)
    let ms = Int64(wall.tv_sec) * 1_000 + Int64(wall.tv_nsec) / 1_000_000
    return ClockReading(monotonic: Instant(nanoseconds: ns), unixMilliseconds: ms)
  }
}

/// The process's standard error, fd 2, written without buffering.
public enum StandardError {
  /// Writes `bytes` with one `write(2)` (more only after a partial write or EINTR); errors are
  /// ignored, because there is nowhere left to report them.
  public static func write(_ bytes: UnsafeRawBufferPointer) {
    _ = writeAll(fd: 2, bytes)
  }

  /// Writes a line of text, adding the `\n`.
  static func writeLine(_ text: String) {
    var line = text
    line.append("\n")
    line.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }
}

/// Writes all of `bytes` to `fd`: retries after EINTR and partial writes, and waits with
/// `poll(POLLOUT)` when someone else made the descriptor non-blocking; returns 0 or the errno.
func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
  guard var next = bytes.baseAddress else { return 0 }
  var left = bytes.count
  while left > 0 {
    let n = Glibc.write(fd, next, left)
    if n >= 0 {
      next += n
      left -= n
      continue
    }
    let code = errno
    if code == EINTR { continue }
    if code == EAGAIN || code == EWOULDBLOCK {
      var waiter = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let ready = poll(&waiter, 1, -1)
      if ready < 0 && errno != EINTR { return errno }
      continue
    }
    return code
  }
  return 0
}

/// The symbolic name of an errno value for log lines, such as `EPIPE`.
func errnoName(_ code: Int32) -> String {
  switch code {
  case EPIPE: return "EPIPE"
  case EPERM: return "EPERM"
  case EBADF: return "EBADF"
  case EINVAL: return "EINVAL"
  case EIO: return "EIO"
  case ENOSPC: return "ENOSPC"
  case ENOMEM: return "ENOMEM"
  case ECONNRESET: return "ECONNRESET"
  case EISDIR: return "EISDIR"
  case EFBIG: return "EFBIG"
  case EDQUOT: return "EDQUOT"
  default: return "errno \(code)"
  }
}

/// The C library's text for an errno value, such as `Broken pipe`.
func errnoText(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "errno \(code)" }
  return String(cString: text)
}
