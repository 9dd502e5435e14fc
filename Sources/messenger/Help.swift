// `messenger --help`: what the program is, its workloads and flags (from their tables), and its
// exit statuses.

/// The help text, lines of at most 80 columns, ending in a newline.
func helpText(version: String) -> String {
  var text = wrapped(
    "messenger \(version): a node for Maelstrom (https://github.com/jepsen-io/maelstrom),"
      + " in Swift on libevent.", indent: "")
  text += """

    Usage: messenger [--flag value | --flag=value ...]
           messenger-NAME [...]     (a link by that name runs --workload NAME)


    """
  text += wrapped(
    "It reads Maelstrom's messages on stdin, one JSON value per line; writes its replies, and"
      + " its own requests to other nodes, on stdout, one JSON object per line as Python's"
      + " json.dumps prints them; and logs to stderr, one line per event. Every call to another"
      + " node ends exactly once: with its reply, or after its timeouts and retries (with"
      + " backoff), or reaped. It runs one workload:", indent: "")
  for w in Workload.all {
    text += wrapped("\(w.name): \(w.summary)", indent: "  ", hanging: "    ")
  }
  text += "\nFlags:\n"
  for flag in Flag.all {
    var line = "  " + flag.name
    if let placeholder = flag.placeholder { line += " " + placeholder }
    if !flag.defaultText.isEmpty { line += " (default \(flag.defaultText))" }
    text += line + "\n"
    text += wrapped(flag.help.filter { $0 != "`" }, indent: "      ")
  }
  text += """

    Durations take 1 to 86400000 ms, attempts 1 to 1000, jitter 0 to 10.

    Exit status:
      0   end of input (once the calls in flight have ended), SIGINT, SIGTERM, a
          closed stdout, --help, --version, --list-workloads
      64  a bad flag value or an unknown flag: one line on stderr names it
      70  an internal error: one line on stderr names the failing call

    """
  return text
}

/// `text` as lines of at most 80 columns, broken at spaces: the first starts with `indent`,
/// the others with `hanging`.
func wrapped(_ text: String, indent: String, hanging: String? = nil) -> String {
  var out = ""
  var line = indent
  var lineIsEmpty = true
  for word in text.split(separator: " ") {
    if !lineIsEmpty && line.count + 1 + word.count > 80 {
      out += line + "\n"
      line = hanging ?? indent
      lineIsEmpty = true
    }
    line += (lineIsEmpty ? "" : " ") + word
    lineIsEmpty = false
  }
  return out + line + "\n"
}
