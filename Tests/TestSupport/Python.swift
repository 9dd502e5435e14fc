import Glibc

/// Whether `python3` can be run: tests that compare against CPython are skipped without it.
public let pythonAvailable = system("python3 -c 'import json' >/dev/null 2>&1") == 0

/// Runs the python3 `script` with `input` on its stdin and returns what it printed, or nil when
/// python3 cannot be run or fails. Script and input go through temporary files.
public func runPython(_ script: String, input: [UInt8] = []) -> [UInt8]? {
  var template = Array("/tmp/messenger-python-XXXXXX".utf8CString)
  guard mkdtemp(&template) != nil else { return nil }
  let dir = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  let scriptPath = dir + "/script.py"
  let inputPath = dir + "/input"
  defer {
    unlink(scriptPath)
    unlink(inputPath)
    rmdir(dir)
  }
  guard write(Array(script.utf8), to: scriptPath), write(input, to: inputPath) else { return nil }
  let run = runCommand("python3 \(scriptPath) < \(inputPath) 2>/dev/null")
  return run.status == 0 ? run.output : nil
}

/// Runs `command` with `sh` (its redirections as written) and returns its exit status (-1 when
/// it was killed by a signal or could not start) and what it wrote on stdout.
public func runCommand(_ command: String) -> (status: Int32, output: [UInt8]) {
  guard let pipe = popen(command, "r") else { return (-1, []) }
  var out: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
    if n <= 0 { break }
    out.append(contentsOf: chunk[0..<n])
  }
  let status = pclose(pipe)
  return (status & 0x7f == 0 ? (status >> 8) & 0xff : -1, out)
}

/// Runs the python3 `script` and returns what it printed as text, or nil as `runPython` does.
public func runPython(_ script: String) -> String? {
  runPython(script, input: []).map { String(decoding: $0, as: UTF8.self) }
}

private func write(_ bytes: [UInt8], to path: String) -> Bool {
  guard let f = fopen(path, "w") else { return false }
  let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
  fclose(f)
  return n == bytes.count
}
