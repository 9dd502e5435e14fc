import Glibc

/// What a finished program left: its exit status and everything it wrote.
struct Finished {
  let status: Int32
  let out: String
  let err: String

  /// Its stdout, as lines.
  var outLines: [String] { out.split(separator: "\n").map(String.init) }
  /// Its stderr, as lines.
  var errLines: [String] { err.split(separator: "\n").map(String.init) }
}

/// Programs run to their end, and the scratch files around them, for the tests of the command
/// line.
enum Spawn {
  /// Runs `program` (a path, or a name looked up in PATH) with `args` to its end, `input` on its
  /// stdin as a regular file, stdout and stderr into files; argv[0] is `program` as given, so a
  /// link's name is what the program sees.
  static func run(_ program: String, _ args: [String] = [], input: String = "") -> Finished {
    let dir = temporaryDirectory()
    let inPath = dir + "/in"
    defer {
      for name in ["in", "out", "err"] { unlink(dir + "/" + name) }
      rmdir(dir)
    }
    writeFile(inPath, input)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT, 0o600)
    // Only 0, 1 and 2, as `Child` does: not the pipes of the tests running beside this one.
    precondition(addCloseFrom(&actions, 3) == 0)
    let argv = ([program] + args).map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, program, &actions, nil, argv, environ)
    precondition(rc == 0, "posix_spawnp \(program) failed: \(rc)")
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // Exited normally: its status; killed by a signal: 128 + the signal, as a shell says.
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Finished(status: code, out: readFile(dir + "/out"), err: readFile(dir + "/err"))
  }

  /// A new empty directory under /tmp.
  static func temporaryDirectory() -> String {
    var template = Array("/tmp/messenger-e2e-XXXXXX".utf8CString)
    precondition(mkdtemp(&template) != nil)
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Removes `path` and everything under it (`rm -rf`).
  static func removeTree(_ path: String) {
    let words: [String] = ["rm", "-rf", path]
    let argv = words.map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid: pid_t = 0
    guard posix_spawnp(&pid, "rm", nil, nil, argv, environ) == 0 else { return }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  }

  /// The whole of the file at `path` as text ("" when it cannot be read).
  static func readFile(_ path: String) -> String {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = read(fd, &buf, buf.count)
      if n <= 0 { break }
      bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes `text` to a new file at `path`.
  static func writeFile(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
  }

  /// The repository's root: three levels above this file.
  static let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()
}
