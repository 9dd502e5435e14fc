import Glibc
import TestSupport
import Testing

/// scripts/spacetime.py, the space-time diagram of a run, and scripts/demo_peer.py, the demo:
/// the SVG is well-formed, holds one arrow per message of a known run (hand-written logs in the
/// grammar of SPEC section 7, and a run of the real binary with --trace), marks retries, backoff
/// waits, give-ups, reaps and late replies, says when it elides, and renders in headless
/// Chromium to a PNG that is not blank.
@Suite struct SpacetimeTests {
  static let repo: String = {
    // This file is Tests/EndToEndTests/SpacetimeTests.swift.
    var path = "\(#filePath)"
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
  }()
  static let tool = repo + "/scripts/spacetime.py"
  static let fixtures = ["n1.log", "n2.log"].map { repo + "/Tests/SpacetimeFixtures/" + $0 }

  @Test(.enabled(if: python3Works, "python3 is not on PATH"))
  func theFixturesDrawOneArrowPerMessageWithEveryMark() throws {
    let dir = try TempDir()
    let svg = dir.path + "/fixtures.svg"
    let run = Self.shell("python3 \(Self.tool) -o \(svg) \(Self.fixtures.joined(separator: " "))")
    #expect(run.status == 0, "\(run.output)")
    let summary = Self.summary(svg)
    #expect(summary["well-formed"] == ["yes"])
    // n1 sent 13 messages and received 9, n2 sent 3 and received 3; 2 of n2's sends and 2 of
    // its receives are the other ends of n1's: 24 messages.
    #expect(summary["arrows"] == ["24"])
    #expect(summary["class msg lost"] == ["3"])  // call 4's attempts, which n2's log never received
    #expect(summary["class msg late"] == ["1"])  // n2's answer to attempt 1 of call 1
    #expect(summary["class mark late"] == ["1"])  // the node's `late reply` line
    #expect(summary["class mark retry"] == ["4"])
    #expect(summary["class mark timeout"] == ["4"])  // 3 retries after a timeout, 1 give-up
    #expect(summary["class mark done"] == ["2"])
    #expect(summary["class mark gaveup"] == ["1"])
    #expect(summary["class mark reap"] == ["1"])
    #expect(summary["class backoff"] == ["1"])
    #expect(summary["class call"] == ["4"])
    // Lanes: the two logged nodes, the clients and the services their messages name.
    #expect(summary["lanes"] == ["c0 c1 n1 n2 lin-kv lin-tso"])
    // Hover: call ids on the attempts and their replies, the body of every message.
    let titles = summary["title", default: []]
    #expect(titles.contains { $0.hasPrefix("n1 n2 1:") && $0.contains("call 1 (relay) attempt 1") })
    #expect(titles.contains { $0.hasPrefix("n2 n1 2:") && $0.contains("reply to call 1 (relay)") })
    #expect(titles.contains { $0.hasPrefix("n1 lin-kv 5:") && $0.contains("call 2 (backoff_relay) attempt 2/5") })
    #expect(titles.contains { $0.hasPrefix("n1 c1 6:") && $0.contains(#""total_delay_ms": 104"#) })
    // The unknown line and the line that is no log line are skipped, and counted.
    #expect(summary["text"]?.contains("2 log lines not drawn (not in the grammar this tool reads)") == true)
  }

  @Test(.enabled(if: python3Works, "python3 is not on PATH"))
  func aRunOfTheBinaryDrawsOneArrowPerMessage() throws {
    let dir = try TempDir()
    // A relay to a silent n2 (3 attempts), a fire-and-forget and a batch_echo whose echoes to
    // itself never come back (reaped), a malformed line (no message), then stats.
    let input = [
      #"{"src": "c0", "dest": "n1", "body": {"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1", "n2"]}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "msg_id": 2, "echo": "hi"}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "relay", "msg_id": 3, "target": "n2", "payload": {"type": "echo", "echo": 1}}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "echo", "msg_id": 4, "echo": tru}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "send_fire_forget", "msg_id": 5, "target": "n2", "payload": {"type": "echo", "echo": 2}}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "batch_echo", "msg_id": 6, "values": [1, 2]}}"#,
      #"{"src": "c1", "dest": "n1", "body": {"type": "stats", "msg_id": 7}}"#,
    ]
    try dir.write("input.jsonl", input.joined(separator: "\n") + "\n")
    let node = Child(
      [
        "--trace", "--seed", "1", "--rpc-timeout-ms", "30", "--reap-threshold-ms", "50",
        "--reap-interval-ms", "10",
      ], stdinPath: dir.path + "/input.jsonl")
    #expect(node.finish(within: 20) == 0)
    try dir.write("stdout.jsonl", String(decoding: node.out, as: UTF8.self))
    try dir.write("n1.log", String(decoding: node.err, as: UTF8.self))
    #expect(node.outLines.count >= 12, "\(node.outLines)")

    let svg = dir.path + "/run.svg"
    let run = Self.shell("python3 \(Self.tool) -o \(svg) \(dir.path)/n1.log")
    #expect(run.status == 0, "\(run.output)")
    // The messages of the run, by the input and stdout alone: every valid input line, and every
    // line the node wrote, is one message.
    let summary = Self.summary(svg, expected: [dir.path + "/input.jsonl", dir.path + "/stdout.jsonl"])
    #expect(summary["well-formed"] == ["yes"])
    #expect(summary["expected"] == ["\(input.count - 1 + node.outLines.count)"])
    #expect(summary["arrows"] == summary["expected"])
    #expect(summary["same messages"] == ["yes"], "\(summary)")
    #expect(summary["class mark retry"] == ["2"])
    #expect(summary["class mark gaveup"] == ["1"])
    #expect(summary["class mark reap", default: []] != [])
  }

  @Test(.enabled(if: python3Works, "python3 is not on PATH"))
  func pastMaxMessagesItDrawsTheFirstAndSaysHowManyItElided() throws {
    let dir = try TempDir()
    let svg = dir.path + "/elided.svg"
    let run = Self.shell(
      "python3 \(Self.tool) --max-messages 5 -o \(svg) \(Self.fixtures.joined(separator: " "))")
    #expect(run.status == 0)
    #expect(run.output.contains("5 messages drawn of 24"))
    let summary = Self.summary(svg)
    #expect(summary["well-formed"] == ["yes"])
    #expect(summary["arrows"] == ["5"])
    #expect(summary["elided"]?.first?.hasPrefix("elided 19 messages after 10:15:02.100") == true)
  }

  @Test(.enabled(if: python3Works, "python3 is not on PATH"))
  func theDemoShowsEachSceneOfRPCDoneRight() throws {
    let dir = try TempDir()
    // make demo's flags, but a 1 s attempt timeout: other tests load the machine, and n2's
    // answer to attempt 2 must come before attempt 3.
    let demo = Self.shell(
      "python3 \(Self.repo)/scripts/demo_peer.py --bin \(messengerPath) --out \(dir.path) --"
        + " --seed 42 --trace --rpc-timeout-ms 1000 --reap-threshold-ms 300 --reap-interval-ms 100")
    #expect(demo.status == 0, "\(demo.output)")
    #expect(demo.output.contains("ok   relay succeeded on attempt 2"))
    #expect(demo.output.contains("ok   stats: late_replies=1 reaped=1 retries=2"))
    let svg = dir.path + "/demo.svg"
    #expect(Self.shell("python3 \(Self.tool) -o \(svg) \(dir.path)/n1.stderr.log").status == 0)
    let summary = Self.summary(svg)
    #expect(summary["class msg late"] == ["1"])
    #expect(summary["class mark retry"] == ["2"])
    #expect(summary["class mark reap"] == ["1"])
    #expect(summary["class msg error"] == ["1"])  // n2's error 11 to the backoff_relay
  }

  @Test(
    .enabled(if: python3Works, "python3 is not on PATH"),
    .enabled(
      if: chromiumPath != nil,
      "Chromium is not installed and could not be (make check runs apt-get install chromium)"
    ))
  func theSVGRendersInHeadlessChromiumToANonBlankPNG() throws {
    let dir = try TempDir()
    let svg = dir.path + "/fixtures.svg"
    let png = dir.path + "/fixtures.png"
    #expect(Self.shell("python3 \(Self.tool) -o \(svg) \(Self.fixtures.joined(separator: " "))").status == 0)
    // At the lowest priority: the timing tests of other suites run at the same time.
    let render = Self.shell(
      "nice -n 19 timeout 120 \(chromiumPath!) --headless --no-sandbox --disable-gpu --hide-scrollbars"
        + " --user-data-dir=\(dir.path)/profile --window-size=1000,800 --screenshot=\(png) file://\(svg)")
    #expect(render.status == 0, "\(render.output)")
    try dir.write("png.py", Self.pngStatsScript)
    let stats = Self.shell("python3 \(dir.path)/png.py \(png)")
    #expect(stats.status == 0, "\(stats.output)")
    let fields = Self.fields(stats.output)
    // A blank page is one colour; this one has arrows in six colours, text and lanes.
    #expect(Int(fields["size", default: [""]][0]) == 1000 * 800)
    #expect((Int(fields["colours", default: ["0"]][0]) ?? 0) >= 16, "\(stats.output)")
    #expect((Int(fields["inked", default: ["0"]][0]) ?? 0) >= 1000 * 800 / 100, "\(stats.output)")
    #expect((Int(fields["blue", default: ["0"]][0]) ?? 0) >= 50, "\(stats.output)")
  }

  // MARK: - Helpers

  /// Runs `command` with sh; its stdout and stderr together.
  static func shell(_ command: String) -> (status: Int32, output: String) {
    let run = runCommand("(\(command)) 2>&1 </dev/null")
    return (run.status, String(decoding: run.output, as: UTF8.self))
  }

  /// `key value...` lines, by key (a key may repeat).
  static func fields(_ text: String) -> [String: [String]] {
    var fields: [String: [String]] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      fields[parts[0], default: []].append(parts.count > 1 ? parts[1] : "")
    }
    return fields
  }

  /// What an SVG holds, read by Python's XML parser: arrows, marks by class, lanes, hover texts,
  /// and whether its arrows are exactly the messages of the `expected` JSON-lines files.
  static func summary(_ svg: String, expected: [String] = []) -> [String: [String]] {
    let script = svg + ".summary.py"
    guard let f = fopen(script, "w") else { return [:] }
    fputs(summaryScript, f)
    fclose(f)
    return fields(shell("python3 \(script) \(svg) \(expected.joined(separator: " "))").output)
  }

  static let summaryScript = #"""
    import collections, json, sys
    import xml.etree.ElementTree as ET
    NS = "{http://www.w3.org/2000/svg}"
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as error:
        print("well-formed\tno: %s" % error)
        sys.exit(0)
    print("well-formed\tyes")
    arrows = collections.Counter()
    classes = collections.Counter()
    for g in root.iter(NS + "g"):
        names = g.get("class", "").split()
        if "msg" in names:
            arrows[(g.get("data-src"), g.get("data-dest"), g.get("data-msg-id"))] += 1
            title = g.find(NS + "title").text.replace("\n", " | ")
            print("title\t%s %s %s: %s" % (g.get("data-src"), g.get("data-dest"), g.get("data-msg-id"), title))
        if names:  # "msg late", "mark late", "mark retry timeout": kind, then each class
            classes[names[0]] += 1
            for name in names[1:]:
                classes[names[0] + " " + name] += 1
    print("arrows\t%d" % sum(arrows.values()))
    for name, count in sorted(classes.items()):
        print("class %s\t%d" % (name, count))
    lanes = [t.text for g in root.iter(NS + "g") if g.get("class") == "lane"
             for t in g.findall(NS + "text")[:1]]
    print("lanes\t" + " ".join(lanes))
    for t in root.iter(NS + "text"):
        if t.text:
            print("text\t" + t.text)
            if "elided" in (t.get("class") or "").split():
                print("elided\t" + t.text)
    if len(sys.argv) > 2:
        expected = collections.Counter()
        for path in sys.argv[2:]:
            for line in open(path):
                try:
                    m = json.loads(line)
                except ValueError:
                    continue  # a malformed line is no message
                expected[(m["src"], m["dest"], json.dumps(m["body"].get("msg_id")))] += 1
        print("expected\t%d" % sum(expected.values()))
        missing, extra = expected - arrows, arrows - expected
        print("same messages\t%s" % ("yes" if not missing and not extra else
                                      "no: missing %s, extra %s" % (dict(missing), dict(extra))))
    """#

  /// Decodes an 8-bit RGB or RGBA PNG with zlib (no imaging library) and counts its pixels:
  /// all of them, the distinct colours, those not near white, and the clearly blue ones.
  static let pngStatsScript = #"""
    import struct, sys, zlib
    data = open(sys.argv[1], "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), "8-bit RGB or RGBA expected, got %d %d" % (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours, inked, blue = set(), 0, 0
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            if filter_type == 1:
                line[i] = (line[i] + a) & 255
            elif filter_type == 2:
                line[i] = (line[i] + b) & 255
            elif filter_type == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif filter_type == 4:
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            r, g, b = line[x], line[x + 1], line[x + 2]
            colours.add((r, g, b))
            if r + g + b < 3 * 230:
                inked += 1
            if b > r + 60 and b > g + 30:
                blue += 1
        previous = line
    print("size\t%d" % (width * height))
    print("colours\t%d" % len(colours))
    print("inked\t%d" % inked)
    print("blue\t%d" % blue)
    """#
}

private let python3Works = SpacetimeTests.shell("python3 -c 'import xml.etree.ElementTree'").status == 0

/// Debian's chromium (make check tries to install it), or nil.
private let chromiumPath: String? = {
  let found = SpacetimeTests.shell("command -v chromium || command -v chromium-browser")
  return found.status == 0 ? found.output.split(separator: "\n").first.map(String.init) : nil
}()

/// A fresh folder under /tmp, removed with what it holds when the value goes away.
private final class TempDir {
  let path: String

  init() throws {
    var template = Array("/tmp/messenger-spacetime-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw Failure(text: "mkdtemp failed") }
    path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  deinit { _ = SpacetimeTests.shell("rm -rf \(path)") }

  func write(_ name: String, _ text: String) throws {
    guard let f = fopen(path + "/" + name, "w") else { throw Failure(text: "cannot write \(name)") }
    fputs(text, f)
    fclose(f)
  }

  struct Failure: Error { let text: String }
}
