import Glibc

/// Runs `python3 -c script` and returns what it printed, or nil when python3 cannot be run.
public func runPython(_ script: String) -> String? {
  let path = "/tmp/messenger-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).py"
  guard let f = fopen(path, "w") else { return nil }
  fputs(script, f)
  fclose(f)
  defer { unlink(path) }
  guard let p = popen("python3 \(path) 2>/dev/null", "r") else { return nil }
  var out: [UInt8] = []
  var buf = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&buf, 1, buf.count, p)
    if n <= 0 { break }
    out.append(contentsOf: buf[0..<n])
  }
  let status = pclose(p)
  return status == 0 ? String(decoding: out, as: UTF8.self) : nil
}
