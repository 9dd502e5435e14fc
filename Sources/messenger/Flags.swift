// The command line, read by hand: a table of flags and a loop over the arguments.
//
// swift-argument-parser did this before, and cost more than the rest of startup together: 71% of
// the instructions from exec to `init_ok` were its protocol-conformance and type-metadata
// lookups, and the FoundationEssentials it links made the binary 26 MB and resident memory
// 10.5 MiB. The README's table of what is written by hand has the figures. This file does the
// same job with the standard library's integer and number parsing, and nothing else.
import NodeRuntime
import Policy

/// What the command line asks for besides the settings: run the node, or print and exit 0.
enum Action {
  /// Run the node (no `--help`, `--version` or `--list-workloads`).
  case run
  /// `--help` or `-h`: print the help text.
  case help
  /// `--version`: print `messenger <version>`.
  case version
  /// `--list-workloads`: print the workloads' names, one a line (`make install` reads them).
  case listWorkloads
}

/// A bad command line: the one line printed (after `messenger: `) before exit 64.
struct UsageError: Error {
  /// What is wrong, naming the flag: `--retry-attempts must be an integer from 1 to 1000, not "0"`.
  let message: String

  /// An error that prints `message`.
  init(_ message: String) { self.message = message }
}

/// Everything the command line sets: the node's settings, and what only this file resolves.
struct Options {
  /// The settings the flags write into; the defaults are `NodeConfig`'s.
  var config = NodeConfig()
  /// `--seed`; nil when absent, and then `main` draws one.
  var seed: UInt64?
  /// `--workload`; nil when absent, and then the program's name decides.
  var workload: String?
  /// `--log-level`.
  var logLevel = LogLevel.info
  /// `--trace`: the same as `--log-level trace`, whatever `--log-level` says.
  var trace = false
  /// `--help`, `--version` or `--list-workloads`, the last given; else `run`.
  var action = Action.run

  /// Reads `arguments` (the program's name left out): `--flag value` or `--flag=value`, in any
  /// order, the last of a repeated flag winning. The first mistake is thrown.
  static func parse(_ arguments: ArraySlice<String>) throws(UsageError) -> Options {
    var options = Options()
    var rest = arguments
    while let argument = rest.popFirst() {
      // `-h` is the one short form: what people type when they know nothing else.
      let spelled = argument == "-h" ? "--help" : argument
      guard spelled.hasPrefix("--"), spelled != "--" else {
        throw UsageError(
          "unexpected argument \(quoted(argument)): flags start with --, and take no operands"
            + " (messenger --help lists them)")
      }
      let name: Substring
      var value: Substring?
      if let equals = spelled.firstIndex(of: "=") {
        name = spelled[..<equals]
        value = spelled[spelled.index(after: equals)...]
      } else {
        name = spelled[...]
      }
      guard let flag = Flag.named(name) else {
        throw UsageError("unknown flag \(printable(name)) (messenger --help lists them)")
      }
      guard let placeholder = flag.placeholder else {
        if value != nil { throw UsageError("\(flag.name) takes no value") }
        _ = flag.store("", &options)
        continue
      }
      // A value may start with `-` (`--seed -1` is then refused for its sign, naming the
      // flag), but not with `--`: that is the next flag, and this one's value is missing.
      if value == nil, let next = rest.first, !next.hasPrefix("--") {
        value = next[...]
        rest.removeFirst()
      }
      guard let value else { throw UsageError("\(flag.name) needs a value (\(placeholder))") }
      if let rule = flag.store(String(value), &options) {
        throw UsageError("\(flag.name) must be \(rule), not \(quoted(value))")
      }
    }
    return options
  }
}

/// `text` in double quotes, as one short printable line: control characters escaped, and cut
/// after 60 characters, so an error stays one line whatever was typed.
func quoted(_ text: some StringProtocol) -> String { "\"" + printable(text) + "\"" }

/// `text` with `"`, `\` and control characters escaped, cut after 60 characters.
func printable(_ text: some StringProtocol) -> String {
  var out = ""
  for (i, c) in text.unicodeScalars.enumerated() {
    if i == 60 { return out + "..." }
    switch c {
    case "\"", "\\": out += "\\" + String(c)
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case _ where c.value < 0x20 || c.value == 0x7f: out += "\\u{\(String(c.value, radix: 16))}"
    default: out.unicodeScalars.append(c)
    }
  }
  return out
}
