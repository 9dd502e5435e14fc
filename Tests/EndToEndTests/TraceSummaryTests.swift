import Testing

/// `scripts/trace-summary.sh`, which `make trace` runs on strace's output.
@Suite struct TraceSummaryTests {
  static let script = Spawn.repositoryRoot + "/scripts/trace-summary.sh"

  @Test func theCallsBeforeTheStartLineAreCountedInOneLineNotListed() {
    let dir = Spawn.temporaryDirectory()
    defer { Spawn.removeTree(dir) }
    let trace =
      [
        #"7 10:00:00.000001 execve("./messenger", ["./messenger"], 0x7ffd /* 9 vars */) = 0"#,
        #"7 10:00:00.000002 openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3"#,
        #"7 10:00:00.000003 mprotect(0x7f00, 16384, PROT_READ) = 0"#,
        #"7 10:00:00.000004 getrandom("\x01\x02", 8, GRND_NONBLOCK) = 8"#,
        #"7 10:00:00.000005 write(2, "2026-11-30T10:00:00.000Z INFO start messenger 0.1.0 seed=42 ", 301) = 301"#,
        #"7 10:00:00.000006 epoll_create1(EPOLL_CLOEXEC) = 3"#,
        #"7 10:00:00.000007 read(0, "{}\n", 65536) = 3"#,
        #"7 10:00:00.000008 write(1, "{}\n", 3) = 3"#,
        #"7 10:00:00.000009 epoll_wait(3,  <unfinished ...>"#,
        #"7 10:00:00.000010 <... epoll_wait resumed>[], 32, -1) = 0"#,
        #"7 10:00:00.000011 read(0, "", 65536) = 0"#,
        #"7 10:00:00.000012 exit_group(0) = ?"#,
        #"7 10:00:00.000013 +++ exited with 0 +++"#,
      ].joined(separator: "\n") + "\n"
    Spawn.writeFile(dir + "/trace.out", trace)
    let r = Spawn.run(Self.script, [dir + "/trace.out"])
    #expect(r.status == 0, "\(r.errLines)")
    #expect(r.outLines.first?.hasPrefix("== 7 system calls from the node's start line on") == true)
    #expect(r.out.contains("(4 start-up calls of the"))
    let counted = Set(r.outLines.dropFirst(2).dropLast().map { $0.split(separator: " ").last! })
    #expect(counted == ["write", "epoll_create1", "read", "epoll_wait", "exit_group"])
    #expect(r.outLines.contains("     2 read") && r.outLines.contains("     2 write"))
    #expect(r.outLines.last == "== threads for the life of the process: 1")
  }

  @Test func underStraceTheNodesOwnCallsLeaveTheLoadersOut() throws {
    let strace = Spawn.run("sh", ["-c", "command -v strace"])
    try #require(strace.status == 0, "strace is not installed: nothing to trace with")
    let dir = Spawn.temporaryDirectory()
    defer { Spawn.removeTree(dir) }
    let session = Spawn.readFile(Spawn.repositoryRoot + "/demo/session.jsonl")
    let traced = Spawn.run(
      "strace", ["-f", "-tt", "-s", "128", "-o", dir + "/trace.out", messengerPath, "--seed", "42"],
      input: session)
    #expect(traced.status == 0, "\(traced.errLines)")
    // strace's own lines went to the file: the node's stderr holds only log lines.
    #expect(traced.errLines.allSatisfy { $0.hasPrefix("20") }, "\(traced.errLines)")
    let r = Spawn.run(Self.script, [dir + "/trace.out"])
    #expect(r.status == 0, "\(r.errLines)")
    let counted = r.outLines.dropFirst(2).dropLast().map { $0.split(separator: " ").last! }
    #expect(counted.contains("epoll_create1") && counted.contains("epoll_wait"))
    // The loader's and libc's set-up, which happens once, before the start line.
    for loaderCall in ["execve", "arch_prctl", "set_tid_address", "set_robust_list", "rseq"] {
      #expect(!counted.contains(Substring(loaderCall)), "\(loaderCall) counted: \(r.outLines)")
    }
    #expect(r.outLines.last == "== threads for the life of the process: 1")
  }
}
