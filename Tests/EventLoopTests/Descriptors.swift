import Glibc

/// glibc's `pipe2`, which the Glibc module does not export (it is a GNU extension), looked up
/// by name.
private let pipe2: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
  guard let symbol = dlsym(nil, "pipe2") else { preconditionFailure("glibc has no pipe2") }
  return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

/// File descriptors for tests: pipes, socket pairs, unlinked temporary files.
enum Descriptors {
  /// A pipe: (read end, write end), close-on-exec so that no process another test starts
  /// keeps an end open.
  static func pipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    precondition(pipe2(&fds, O_CLOEXEC) == 0, "pipe failed")
    return (fds[0], fds[1])
  }

  /// The read end of a pipe that holds `bytes` (within a pipe's capacity) and whose write end
  /// is closed: input that ends after them.
  static func input(_ bytes: [UInt8]) -> Int32 {
    let p = pipe()
    writeAll(p.write, bytes)
    close(p.write)
    return p.read
  }

  /// A connected pair of Unix stream sockets.
  static func socketPair() -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
    return (fds[0], fds[1])
  }

  /// An unlinked regular file holding `bytes`, open for reading and writing at offset 0.
  static func temporaryFile(_ bytes: [UInt8] = []) -> Int32 {
    var template = Array("/tmp/eventloop-test-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    precondition(fd >= 0, "mkstemp failed")
    unlink(template)
    writeAll(fd, bytes)
    lseek(fd, 0, SEEK_SET)
    return fd
  }

  /// Writes all of `bytes` to `fd`.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      precondition(n > 0 || errno == EINTR, "write failed")
      if n > 0 { offset += n }
    }
  }

  /// Reads `fd` until end of file.
  static func readAll(_ fd: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n == 0 { return result }
      if n < 0 {
        precondition(errno == EINTR, "read failed")
        continue
      }
      result.append(contentsOf: chunk[0..<n])
    }
  }

  /// Reads what a regular file holds, from its start.
  static func contents(_ fd: Int32) -> [UInt8] {
    lseek(fd, 0, SEEK_SET)
    return readAll(fd)
  }
}

/// `count` numbered lines such as `line 7 of echo\n`.
func numberedLines(_ count: Int) -> [UInt8] {
  (0..<count).flatMap { Array("line \($0) of echo\n".utf8) }
}

/// ASCII letters uppercased, the fake machine's echo.
func uppercased(_ bytes: [UInt8]) -> [UInt8] {
  bytes.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
}
