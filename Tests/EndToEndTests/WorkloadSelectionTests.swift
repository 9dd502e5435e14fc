import Glibc
import Testing

/// `--workload NAME`, the program name `messenger-NAME`, and `make install`'s links.
@Suite struct WorkloadSelectionTests {
  static let initLine =
    #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#
  /// `init`, an `echo`, and `pending_count`, which only the `messenger` workload answers.
  static let session =
    [
      initLine,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"hi"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"pending_count","msg_id":3}}"#,
    ].joined(separator: "\n") + "\n"

  static let initOK = #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#
  static let echoOK =
    #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "hi", "in_reply_to": 2, "msg_id": 1}}"#
  /// What the `messenger` workload answers.
  static let asMessenger = [
    initOK, echoOK,
    #"{"src": "n1", "dest": "c1", "body": {"type": "pending_count_ok", "count": 0, "in_reply_to": 3, "msg_id": 2}}"#,
  ]
  /// What the `echo` workload answers: `pending_count` is not one of its messages.
  static let asEcho = [
    initOK, echoOK,
    #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 10, "text": "unsupported message type: \"pending_count\"", "in_reply_to": 3, "msg_id": 2}}"#,
  ]

  /// A directory holding a link called `name` to the built binary.
  func link(_ name: String) -> (dir: String, path: String) {
    let dir = Spawn.temporaryDirectory()
    let path = dir + "/" + name
    precondition(symlink(messengerPath, path) == 0, "symlink \(path)")
    return (dir, path)
  }

  @Test func theDefaultWorkloadIsMessengerAndTheFlagPicksAnother() {
    #expect(Spawn.run(messengerPath, input: Self.session).outLines == Self.asMessenger)
    #expect(Spawn.run(messengerPath, ["--workload", "messenger"], input: Self.session).outLines == Self.asMessenger)
    #expect(Spawn.run(messengerPath, ["--workload", "echo"], input: Self.session).outLines == Self.asEcho)
    #expect(Spawn.run(messengerPath, ["--workload=echo"], input: Self.session).outLines == Self.asEcho)
  }

  @Test func theProgramNameMessengerDashNamePicksTheWorkloadAndTheFlagOverridesIt() {
    let echo = link("messenger-echo")
    defer { Spawn.removeTree(echo.dir) }
    let r = Spawn.run(echo.path, input: Self.session)
    #expect(r.status == 0 && r.outLines == Self.asEcho, "\(r.errLines)")
    #expect(Spawn.run(echo.path, ["--workload", "messenger"], input: Self.session).outLines == Self.asMessenger)
    // Another name, with no `messenger-` prefix, is the default.
    let other = link("node")
    defer { Spawn.removeTree(other.dir) }
    #expect(Spawn.run(other.path, input: Self.session).outLines == Self.asMessenger)
  }

  @Test func anUnknownWorkloadByFlagOrByNameExitsSixtyFourWithOneLine() {
    for args in [["--workload", "nope"], ["--workload=nope"], ["--workload", ""]] {
      let r = Spawn.run(messengerPath, args, input: Self.session)
      #expect(r.status == 64 && r.out.isEmpty, "\(args)")
      #expect(r.errLines.count == 1 && r.errLines[0].contains("--workload"), "\(r.errLines)")
    }
    let nope = link("messenger-nope")
    defer { Spawn.removeTree(nope.dir) }
    let r = Spawn.run(nope.path, input: Self.session)
    #expect(r.status == 64 && r.out.isEmpty)
    #expect(
      r.errLines.count == 1 && r.errLines[0].contains("--workload")
        && r.errLines[0].contains("\"messenger-nope\""), "\(r.errLines)")
    // A good flag wins over a bad name.
    #expect(Spawn.run(nope.path, ["--workload", "echo"], input: Self.session).outLines == Self.asEcho)
  }

  @Test func listWorkloadsPrintsTheDefaultFirstAndEachOnce() {
    let r = Spawn.run(messengerPath, ["--list-workloads"])
    #expect(r.status == 0 && r.err.isEmpty)
    #expect(r.outLines.first == "messenger" && r.outLines.contains("echo"))
    #expect(Set(r.outLines).count == r.outLines.count)
  }

  @Test func makeInstallPutsALinkForEveryListedWorkloadBesideTheBinary() {
    let root = Spawn.temporaryDirectory()
    defer { Spawn.removeTree(root) }
    // The install target's second half, on the binary the tests built; `install` itself first
    // builds the release binary, which a test must not do.
    let make = Spawn.run(
      "env",
      [
        "-u", "MAKEFLAGS", "-u", "MFLAGS", "make", "-s", "--no-print-directory", "-C",
        Spawn.repositoryRoot, "install-files", "BIN=\(messengerPath)", "DESTDIR=\(root)",
        "PREFIX=/usr",
      ])
    #expect(make.status == 0, "\(make.errLines)")
    let bin = root + "/usr/bin"
    let workloads = Spawn.run(messengerPath, ["--list-workloads"]).outLines
    let listed = Spawn.run("ls", ["-1", bin]).outLines
    #expect(Set(listed) == Set(workloads.map { $0 == "messenger" ? $0 : "messenger-\($0)" }))
    for w in workloads where w != "messenger" {
      var target = [UInt8](repeating: 0, count: 256)
      let n = readlink(bin + "/messenger-" + w, &target, target.count)
      #expect(
        n > 0 && String(decoding: target[0..<max(n, 0)], as: UTF8.self) == "messenger",
        "messenger-\(w) is not a link to messenger")
    }
    let echo = Spawn.run(bin + "/messenger-echo", input: Self.session)
    #expect(echo.outLines == Self.asEcho, "\(echo.errLines)")
  }
}
