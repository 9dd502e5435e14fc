import Harness
import NodeRuntime
import Policy
import Testing

/// The library's public face, used as a node written on it would: handlers by type, typed
/// fields, the engine's `init`, calls and their outcomes, retry plans, timers.
@Suite struct LibraryTests {
  func request(_ type: String, _ id: Int, _ fields: String = "") -> String {
    #"{"src":"c1","dest":"n1","body":{"type":"\#(type)","msg_id":\#(id)\#(fields.isEmpty ? "" : "," + fields)}}"#
  }

  @Test func aHandlerReadsTypedFieldsAndRepliesWithFieldsInOrder() {
    let h = Harness { node in
      node.handle("add") { node, msg in
        let delta = try msg.int("delta")
        let tags = try msg.strings("tags")
        node.reply(to: msg, "add_ok", ["sum": .int(delta + 1), "tags": .array(tags.map(Value.string)), "x": [1, 2.5, "y", true, ["k": .null]]])
      }
    }
    h.initialize()
    h.send(request("add", 2, #""delta":41,"tags":["a","b"]"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "add_ok", "sum": 42, "tags": ["a", "b"], "x": [1, 2.5, "y", true, {"k": null}], "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }

  /// A field passed through from the request as it came, whether the request was read from its
  /// bytes or (an escaped key) through the tree; a missing one is error 12.
  @Test func aReplyPassesARequestsFieldThroughAsItCame() {
    let h = Harness { node in
      node.handle("echo") { node, msg in try node.reply(to: msg, "echo_ok", passing: "echo") }
    }
    h.initialize()
    h.send(
      request("echo", 2, #""echo":{"a":[1E2,"\u00e9\/"],"b":-0}"#),
      #"{"src":"c1","dest":"n1","body":{"typ\u0065":"echo","msg_id":3,"echo":1.50}}"#,
      request("echo", 4), request("echo", 5, #""echo":null"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": {"a": [100.0, "\u00e9/"], "b": 0}, "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 1.5, "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "echo: missing field \"echo\"", "in_reply_to": 4, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": null, "in_reply_to": 5, "msg_id": 4}}"#,
      ])
  }

  /// The envelopes a node keeps: the newest, oldest first, with their names as they were read
  /// (from the bytes, or through the tree for an escaped key) and written, short or long, plain
  /// or escaped, and a `dest` written from a request's `src` bytes.
  @Test func theNodeKeepsTheNewestEnvelopesItReadAndWrote() {
    let h = Harness { node in
      node.keepEnvelopes(5)
      node.handle("echo") { node, msg in try node.reply(to: msg, "echo_ok", passing: "echo") }
      node.handle("a_type_longer_than_sixteen") { node, msg in
        node.reply(to: msg, "a_type_longer_than_sixteen_ok")
      }
      node.handle("peek") { node, msg in
        let n = try msg.int("n")
        let shown = node.envelopes(last: n).map { e -> Value in
          .string("\(e.direction.name) \(e.src)>\(e.dest) \(e.type) \(e.unixMilliseconds > 0)")
        }
        node.reply(to: msg, "peek_ok", ["log": .array(shown)])
      }
    }
    h.initialize()
    h.send(
      #"{"src":"c\u00e9","dest":"n1","body":{"type":"echo","msg_id":2,"echo":1}}"#,
      #"{"src":"cé","dest":"n1","body":{"type":"ech\u006f","msg_id":3,"echo":2}}"#,
      request("peek", 4, #""n":5"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c\u00e9", "body": {"type": "echo_ok", "echo": 1, "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c\u00e9", "body": {"type": "echo_ok", "echo": 2, "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "peek_ok", "log": ["RECV c\u00e9>n1 echo true", "SENT n1>c\u00e9 echo_ok true", "RECV c\u00e9>n1 echo true", "SENT n1>c\u00e9 echo_ok true", "RECV c1>n1 peek true"], "in_reply_to": 4, "msg_id": 3}}"#,
      ])
    h.send(
      #"{"src":"a-client-with-a-long-name","dest":"n1","body":{"type":"a_type_longer_than_sixteen","msg_id":5}}"#,
      #"{"src":"c\\1","dest":"n1","body":{"typ\u0065":"echo","msg_id":6,"echo":3}}"#,
      request("peek", 7, #""n":9"#), request("peek", 8, #""n":2"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "a-client-with-a-long-name", "body": {"type": "a_type_longer_than_sixteen_ok", "in_reply_to": 5, "msg_id": 4}}"#,
        #"{"src": "n1", "dest": "c\\1", "body": {"type": "echo_ok", "echo": 3, "in_reply_to": 6, "msg_id": 5}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "peek_ok", "log": ["RECV a-client-with-a-long-name>n1 a_type_longer_than_sixteen true", "SENT n1>a-client-with-a-long-name a_type_longer_than_sixteen_ok true", "RECV c\\1>n1 echo true", "SENT n1>c\\1 echo_ok true", "RECV c1>n1 peek true"], "in_reply_to": 7, "msg_id": 6}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "peek_ok", "log": ["SENT n1>c1 peek_ok true", "RECV c1>n1 peek true"], "in_reply_to": 8, "msg_id": 7}}"#,
      ])
  }

  /// A reply's `dest` is the request's `src` as Python writes it, copied as it came only when
  /// that is the same text: a DEL or a non-ASCII byte in it is escaped, an escape is kept.
  @Test func aReplysDestIsTheRequestsSrcAsPythonWritesIt() {
    let h = Harness { node in
      node.handle("echo") { node, msg in try node.reply(to: msg, "echo_ok", passing: "echo") }
    }
    h.initialize()
    h.send(
      "{\"src\":\"c\u{7F}1\",\"dest\":\"n1\",\"body\":{\"type\":\"echo\",\"msg_id\":2,\"echo\":1}}",
      #"{"src":"c\u007f2","dest":"n1","body":{"type":"echo","msg_id":3,"echo":2}}"#,
      #"{"src":"c\/3","dest":"n1","body":{"type":"echo","msg_id":4,"echo":3}}"#,
      #"{"src":"a-sender-of-17-by","dest":"n1","body":{"type":"echo","msg_id":5,"echo":4}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c\u007f1", "body": {"type": "echo_ok", "echo": 1, "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c\u007f2", "body": {"type": "echo_ok", "echo": 2, "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c/3", "body": {"type": "echo_ok", "echo": 3, "in_reply_to": 4, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "a-sender-of-17-by", "body": {"type": "echo_ok", "echo": 4, "in_reply_to": 5, "msg_id": 4}}"#,
      ])
  }

  /// The field passed through is found by its name however the body is laid out: among other
  /// fields, last, repeated (the last value counts), named like the envelope's own fields, or
  /// with a name longer than the 16 bytes a key holds.
  @Test func aPassedFieldIsFoundWhereverItIs() {
    let h = Harness { node in
      node.handle("echo") { node, msg in try node.reply(to: msg, "echo_ok", passing: "echo") }
      node.handle("pass") { node, msg in
        try node.reply(to: msg, "pass_ok", passing: try msg.string("which"))
      }
    }
    h.initialize()
    h.send(
      request("echo", 2, #""a":1,"b":{"c":2},"echo":"last""#),
      request("echo", 3, #""echo":1,"x":0,"echo":2"#),
      request("echo", 4, #""ech":1,"echoo":2,"Echo":3"#),
      request("pass", 5, #""which":"type""#),
      request("pass", 6, #""which":"msg_id""#),
      request("pass", 7, #""which":"a_field_name_of_twenty","a_field_name_of_twenty":[1]"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "last", "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 2, "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "echo: missing field \"echo\"", "in_reply_to": 4, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "pass_ok", "type": "pass", "in_reply_to": 5, "msg_id": 4}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "pass_ok", "msg_id": 6, "in_reply_to": 6, "msg_id": 5}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "pass_ok", "a_field_name_of_twenty": [1], "in_reply_to": 7, "msg_id": 6}}"#,
      ])
  }

  @Test func aMissingOrMistypedFieldIsErrorTwelveNamingIt() {
    let h = Harness { node in
      node.handle("add") { node, msg in
        node.reply(to: msg, "add_ok", ["delta": .int(try msg.int("delta"))])
      }
    }
    h.initialize()
    h.send(request("add", 2), request("add", 3, #""delta":"x""#), request("add", 4, #""delta":1.5"#))
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "add: missing field \"delta\"", "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "add: field \"delta\" must be an integer", "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "add: field \"delta\" must be an integer", "in_reply_to": 4, "msg_id": 3}}"#,
      ])
  }

  @Test func anErrorThatIsNotAnRPCErrorIsAnsweredAsErrorThirteen() {
    struct Oops: Error {}
    let h = Harness { node in node.handle("boom") { _, _ in throw Oops() } }
    h.initialize()
    h.send(request("boom", 2))
    #expect(h.take() == [#"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 13, "text": "boom: Oops()", "in_reply_to": 2, "msg_id": 1}}"#])
  }

  @Test func initIsTheEnginesAndItsHookRunsAfterInitOK() {
    let seen = Box<[String]>([])
    let h = Harness { node in
      node.onInit { node in
        seen.value = [node.nodeID] + node.peers
        node.send("n2", "hello", ["from": .string(node.nodeID)])
      }
    }
    h.send(#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#,
        #"{"src": "n1", "dest": "n2", "body": {"type": "hello", "from": "n1", "msg_id": 1}}"#,
      ])
    #expect(seen.value == ["n1", "n2", "n3"])
    #expect(h.node.isInitialized && h.node.nodeIDs == ["n1", "n2", "n3"])
    #expect(h.logs.contains("INFO init node_id=n1 node_ids=n1,n2,n3"))
  }

  @Test func anEmptyNodeIDIsErrorTwelveAndLeavesTheNodeUninitialized() {
    let h = Harness { _ in }
    h.send(#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"","node_ids":["n1"]}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c0", "body": {"type": "error", "code": 12, "text": "init: field \"node_id\" must not be empty", "in_reply_to": 1, "msg_id": 0}}"#
      ])
    #expect(!h.node.isInitialized)
  }

  /// A node whose `go` calls n2 with `plan` and records how the call ended.
  func caller(_ plan: RetryPlan?, _ outcomes: Box<[String]>) -> Harness {
    let h = Harness { node in
      node.handle("go") { node, msg in
        try node.call("n2", "read", ["key": 1], plan: plan) { node, r in
          switch r.outcome {
          case .reply(let m): outcomes.value.append("reply \(m.type) after \(r.attempts)")
          case .error(let e, _): outcomes.value.append("error \(e.code) \(e.text) after \(r.attempts)")
          case .gaveUp(let why): outcomes.value.append("gave up \(why) after \(r.attempts)")
          case .reaped: outcomes.value.append("reaped")
          }
          #expect(r.requester?.description == "c1:\(msg.msgID!)")
        }
      }
    }
    h.initialize()
    return h
  }

  @Test func everyCallEndsInExactlyOneOfFourWays() {
    let out = Box<[String]>([])
    let plan = RetryPlan(attempts: 2, timeout: .milliseconds(100))
    var h = caller(plan, out)
    h.send(request("go", 2), request("go", 3), request("go", 4))
    h.send(
      #"{"src":"n2","dest":"n1","body":{"type":"read_ok","value":5,"in_reply_to":1}}"#,
      #"{"src":"n2","dest":"n1","body":{"type":"error","code":20,"text":"no key","in_reply_to":2}}"#,
      #"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":3}}"#)
    h.runUntilIdle()
    h = caller(nil, out)
    h.send(request("go", 5))
    h.runUntilIdle()
    #expect(
      out.value == [
        "reply read_ok after 1", "error 20 no key after 1", "gave up timeout after 2", "reaped",
      ])
  }

  @Test func onlyTheCodesOfThePlanFailAnAttempt() {
    let out = Box<[String]>([])
    let plan = RetryPlan(
      attempts: 3, timeout: .milliseconds(100), retryOn: [.temporarilyUnavailable, .crash])
    let h = caller(plan, out)
    h.send(request("go", 2))
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":13,"in_reply_to":1}}"#)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":2}}"#)
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"error","code":22,"text":"no","in_reply_to":3}}"#)
    #expect(out.value == ["error 22 no after 3"])
    #expect(h.logs.contains { $0.contains("attempt=2/3 msg_id=2 reason=error_13 ") })
    #expect(h.logs.contains { $0.contains("attempt=3/3 msg_id=3 reason=unavailable ") })
  }

  @Test func aPlanPerCallCostsNoTableEvenWithThousandsOfDistinctPlans() {
    let h = Harness { node in
      node.handle("go") { node, msg in
        let ms = Int64(try msg.int("ms"))
        try node.call("n2", "read", plan: .once(timeout: .milliseconds(ms))) { _, _ in }
      }
    }
    h.initialize()
    for i in 1...2000 { h.send(request("go", i, #""ms":\#(i)"#)) }
    h.runUntilIdle()
    #expect(h.node.pendingCount == 0 && h.node.stats.timeouts == 2000)
  }

  @Test func aOneWaySendAwaitsNothing() {
    let h = Harness { node in node.handle("tell") { node, _ in node.send("n2", "note", ["n": 1]) } }
    h.initialize()
    h.send(request("tell", 2))
    #expect(h.take() == [#"{"src": "n1", "dest": "n2", "body": {"type": "note", "n": 1, "msg_id": 1}}"#])
    #expect(h.node.pendingCount == 0 && h.runtime.nextDeadline == nil)
  }

  @Test func anErrorThrownByACompletionIsAnsweredToTheRequester() {
    let h = Harness { node in
      node.handle("go") { node, _ in
        try node.call("n2", "read", plan: .once(timeout: .milliseconds(100))) { _, r in
          guard r.reply != nil else { throw RPCError(.timeout, "go: n2 did not answer") }
        }
      }
    }
    h.initialize()
    h.send(request("go", 7))
    h.runUntilIdle()
    #expect(
      h.take().last
        == #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 0, "text": "go: n2 did not answer", "in_reply_to": 7, "msg_id": 2}}"#
    )
  }

  @Test func aOneShotTimerRunsOnceOnTimeAndACancelledOneNever() {
    let ran = Box<[Double]>([])
    let h = Harness { node in
      node.onInit { node in
        node.after(.milliseconds(250)) { node in ran.value.append(node.now.monotonic.ms) }
        let t = node.after(.milliseconds(100)) { _ in ran.value.append(-1) }
        node.cancel(t)
      }
    }
    h.initialize()
    // The cancelled timer's entry is dead: the loop is not woken for it.
    #expect(h.runtime.nextDeadline == Instant(nanoseconds: 250_000_000))
    h.runUntilIdle()
    #expect(ran.value == [250])
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func aPeriodicTimerRunsOnItsGridAndArmsNothingOnceItStops() {
    let ran = Box<[Double]>([])
    let h = Harness { node in
      node.onInit { node in
        node.every(.milliseconds(100)) { node in
          ran.value.append(node.now.monotonic.ms)
          return ran.value.count < 3 ? .again : .stop
        }
      }
    }
    h.initialize()
    h.runUntilIdle()
    #expect(ran.value == [100, 200, 300])
    #expect(h.runtime.nextDeadline == nil)
  }

  @Test func aPeriodicTimerDoesNotKeepANodeWhoseInputEndedAlive() {
    let h = Harness { node in node.onInit { node in node.every(.milliseconds(100)) { _ in .again } } }
    h.initialize()
    h.endInput()
    #expect(h.runtime.isFinished)
  }

  @Test func aCallStartedInACompletionKeepsTheRequesterAndOneInATimerHasNone() {
    let h = Harness { node in
      node.handle("go") { node, _ in
        try node.call("n2", "first") { node, _ in
          try node.call("n2", "second") { _, _ in }
        }
        node.after(.milliseconds(10)) { node in try node.call("n2", "third") { _, _ in } }
      }
    }
    h.initialize()
    h.send(request("go", 9))
    h.send(#"{"src":"n2","dest":"n1","body":{"type":"first_ok","in_reply_to":1}}"#)
    h.advance(ms: 10)
    let starts = h.logs.filter { $0.hasPrefix("DEBUG rpc start ") }
    #expect(
      starts == [
        "DEBUG rpc start call=1 kind=first dest=n2 msg_id=1 attempts=1 timeout_ms=- type=first requester=c1:9",
        "DEBUG rpc start call=2 kind=second dest=n2 msg_id=2 attempts=1 timeout_ms=- type=second requester=c1:9",
        "DEBUG rpc start call=3 kind=third dest=n2 msg_id=3 attempts=1 timeout_ms=- type=third requester=-",
      ])
  }

  @Test func durationIsStillTheStandardLibrarysBesideTheEngine() {
    let d: Duration = .milliseconds(5)
    #expect(d == Swift.Duration.milliseconds(5) && Interval.milliseconds(5).nanoseconds == 5_000_000)
  }

  @Test func valuesPrintAsPythonAndReadBack() {
    let v: Value = ["b": [1, 2.0, "é"], "a": .null, "t": true]
    #expect(v.description == #"{"b": [1, 2.0, "\u00e9"], "a": null, "t": true}"#)
    #expect(v["b"]?[2]?.stringValue == "é" && v["b"]?[1]?.doubleValue == 2 && v["a"]?.isNull == true)
    #expect(v.keys == ["b", "a", "t"] && Value(parsing: "[1,") == nil)
    #expect(Value(parsing: #"{"x": [1e5]}"#)?.description == #"{"x": [100000.0]}"#)
  }
}

/// A value shared between a test and the closures it hands the node.
final class Box<T> {
  var value: T
  init(_ value: T) { self.value = value }
}

extension Instant {
  /// Milliseconds since the origin.
  var ms: Double { Double(nanoseconds) / 1_000_000 }
}
