import Testing

/// The flags, `--help` and `--version` of the built binary.
@Suite struct CommandLineTests {
  /// Bad values of every flag that takes one, and the edges of its range that are good.
  static let values: [String: (bad: [String], good: [String])] = {
    let ms = (bad: ["0", "86400001", "-1", "1.5", "abc", ""], good: ["1", "86400000"])
    let attempts = (bad: ["0", "1001", "x", "2e2"], good: ["1", "1000"])
    return [
      "--workload": (["nope", "", "Messenger"], ["messenger", "echo"]),
      "--rpc-timeout-ms": ms, "--proxy-timeout-ms": ms, "--backoff-base-ms": ms,
      "--backoff-max-ms": ms, "--reap-threshold-ms": ms, "--reap-interval-ms": ms,
      "--retry-attempts": attempts, "--backoff-attempts": attempts,
      "--backoff-jitter": (["-0.1", "10.01", "nan", "inf", "x"], ["0", "10", "0.25"]),
      "--max-pending": (["0", "-3", "x"], ["1", "9223372036854775807"]),
      "--max-message-bytes": (["63", "1099511627777", "16MiB"], ["64", "1099511627776"]),
      "--seed": (["-1", "18446744073709551616", "0x10"], ["0", "18446744073709551615"]),
      "--log-level": (["loud", "INFO", ""], ["error", "warn", "info", "debug", "trace"]),
      "--log-rate": (["-1", "1000001", "many"], ["0", "1000000"]),
    ]
  }()

  /// The flags `--help` lists as taking a value (`  --seed N (default random)`).
  static func flagsTakingValues() -> [String] {
    Spawn.run(messengerPath, ["--help"]).outLines.compactMap { line in
      let words = line.split(separator: " ")
      guard line.hasPrefix("  --"), words.count >= 2, words[1].allSatisfy(\.isUppercase) else {
        return nil
      }
      return String(words[0])
    }
  }

  /// Expects exit 64, nothing on stdout and exactly one stderr line that contains `naming`.
  func expectRefused(_ args: [String], naming: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let r = Spawn.run(messengerPath, args)
    #expect(r.status == 64, "\(args)", sourceLocation: sourceLocation)
    #expect(r.out.isEmpty, "\(args)", sourceLocation: sourceLocation)
    #expect(
      r.errLines.count == 1 && r.err.hasSuffix("\n") && r.errLines[0].hasPrefix("messenger: ")
        && r.errLines[0].contains(naming), "\(args): \(r.errLines)", sourceLocation: sourceLocation)
  }

  @Test func everyFlagsBadValueExitsSixtyFourWithOneLineNamingTheFlagInBothForms() {
    #expect(Set(Self.flagsTakingValues()) == Set(Self.values.keys), "a flag without bad values")
    for (flag, v) in Self.values {
      for bad in v.bad {
        expectRefused([flag, bad], naming: flag)
        expectRefused(["\(flag)=\(bad)"], naming: flag)
      }
    }
  }

  @Test func theEdgesOfEveryRangeAreAcceptedInBothForms() {
    for (flag, v) in Self.values {
      for good in v.good {
        for args in [[flag, good], ["\(flag)=\(good)"]] {
          let r = Spawn.run(messengerPath, args)
          #expect(r.status == 0, "\(args): \(r.errLines)")
        }
      }
    }
  }

  @Test func anUnknownFlagAMissingValueOrAnOperandExitsSixtyFourNamingIt() {
    expectRefused(["--bogus"], naming: "--bogus")
    expectRefused(["--bogus=1"], naming: "--bogus")
    expectRefused(["--seed", "1", "--rpc-timeout"], naming: "--rpc-timeout")
    expectRefused(["-x"], naming: "\"-x\"")
    expectRefused(["extra"], naming: "\"extra\"")
    expectRefused(["--"], naming: "\"--\"")
    expectRefused(["--seed"], naming: "--seed")
    expectRefused(["--seed", "--trace"], naming: "--seed")
    expectRefused(["--trace=yes"], naming: "--trace")
    expectRefused(["--help=1"], naming: "--help")
    // A value with a newline in it still makes one line.
    expectRefused(["--log-level", "a\nb"], naming: "--log-level")
  }

  @Test func bothFormsSetTheSettingsTheStartLineShows() {
    let args = [
      "--rpc-timeout-ms=7", "--retry-attempts", "9", "--proxy-timeout-ms=11",
      "--backoff-base-ms", "13", "--backoff-max-ms=17", "--backoff-jitter", "0.5",
      "--backoff-attempts=19", "--reap-threshold-ms", "23", "--reap-interval-ms=29",
      "--max-pending", "31", "--max-message-bytes=65", "--seed", "1", "--seed=37",
      "--log-level=debug",
    ]
    let r = Spawn.run(messengerPath, args)
    #expect(r.status == 0, "\(r.errLines)")
    let start = Set((r.errLines.first { $0.contains(" INFO start messenger ") } ?? "").split(separator: " "))
    for setting in [
      "seed=37", "rpc_timeout_ms=7", "retry_attempts=9", "proxy_timeout_ms=11",
      "backoff_base_ms=13", "backoff_max_ms=17", "backoff_jitter=0.5", "backoff_attempts=19",
      "reap_threshold_ms=23", "reap_interval_ms=29", "max_pending=31", "max_message_bytes=65",
      "log_level=debug",
    ] {
      #expect(start.contains(Substring(setting)), "\(setting) not in \(start)")
    }
  }

  @Test func traceWinsOverLogLevelInEitherOrder() {
    for args in [["--trace", "--log-level", "error"], ["--log-level=error", "--trace"]] {
      let r = Spawn.run(messengerPath, args)
      #expect(r.status == 0 && r.err.contains(" log_level=trace"), "\(args): \(r.errLines)")
    }
  }

  @Test func helpNamesMessengerItsStreamsWorkloadsFlagsAndExitStatuses() {
    let r = Spawn.run(messengerPath, ["--help"])
    #expect(r.status == 0 && r.err.isEmpty)
    #expect(r.outLines.first?.hasPrefix("messenger 0.1.0: a node for Maelstrom") == true)
    #expect(Spawn.run(messengerPath, ["-h"]).out == r.out)
    let text = r.outLines.joined(separator: " ")
    for word in ["Usage: messenger", "stdin", "stdout", "stderr", "messenger-NAME"] {
      #expect(text.contains(word), "\(word)")
    }
    for workload in Spawn.run(messengerPath, ["--list-workloads"]).outLines {
      #expect(r.outLines.contains { $0.hasPrefix("  \(workload): ") }, "\(workload)")
    }
    for status in ["  0   end of input", "  64  a bad flag value", "  70  an internal error"] {
      #expect(r.outLines.contains { $0.hasPrefix(status) }, "\(status)")
    }
    #expect(r.outLines.allSatisfy { $0.count <= 80 }, "a line over 80 columns")
  }

  @Test func helpMatchesTheReadmeFlagTableRowForRow() {
    // The README's rows: `--seed N` | random | seed of ... ; the help entry, unwrapped:
    // `--seed N (default random) seed of ...`.
    let readme = Spawn.readFile(Spawn.repositoryRoot + "/README.md")
    let rows = readme.split(separator: "\n").drop { $0 != "## Flags" }.dropFirst()
      .drop { !$0.hasPrefix("| `--") }.prefix { $0.hasPrefix("|") }
    let help = Spawn.run(messengerPath, ["--help"]).out.split(
      separator: "\n", omittingEmptySubsequences: false)
    let entries = help.drop { $0 != "Flags:" }.dropFirst().prefix { !$0.isEmpty }
      .reduce(into: [String]()) { entries, line in
        if line.hasPrefix("  --") {
          entries.append(line.trimmingPrefix("  ").description)
        } else {
          entries[entries.count - 1] += " " + line.trimmingPrefix("      ")
        }
      }
    var expected: [String] = []
    for row in rows {
      let cells = row.split(separator: "|").map { $0.trimmingCharacters(" ").filter { $0 != "`" } }
      #expect(cells.count == 3, "\(row)")
      guard cells.count == 3 else { continue }
      expected.append(cells[0] + (cells[1].isEmpty ? "" : " (default \(cells[1]))") + " " + cells[2])
    }
    #expect(!expected.isEmpty, "no flag table in the README")
    #expect(entries == expected)
  }

  @Test func versionPrintsTheVersionAndExitsZero() {
    let r = Spawn.run(messengerPath, ["--version"])
    #expect(r.status == 0 && r.out == "messenger 0.1.0\n" && r.err.isEmpty)
  }
}

extension StringProtocol {
  /// Without leading and trailing `c`s.
  fileprivate func trimmingCharacters(_ c: Character) -> String {
    String(drop { $0 == c }.reversed().drop { $0 == c }.reversed())
  }
}
