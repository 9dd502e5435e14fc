import Testing

extension HostileInputTests {
  /// A request of `type` with `fields`, which must get error 12 with `text`.
  func wrong(_ type: String, _ fields: String, _ text: String) -> Case {
    Case(Self.request(type, 7, fields), [("7", "\(type): \(text)")])
  }

  @Test func everyWrongFieldOfTheForwardingRequestsGetsErrorTwelveNamingIt() {
    var cases: [Case] = []
    for type in ["relay", "backoff_relay", "send_fire_forget"] {
      cases += [
        wrong(type, #""payload":{"type":"x"}"#, #"missing field "target""#),
        wrong(type, #""target":5,"payload":{"type":"x"}"#, #"field "target" must be a string"#),
        wrong(type, #""target":null,"payload":{}"#, #"field "target" must be a string"#),
        wrong(type, #""target":"n2""#, #"missing field "payload""#),
        wrong(type, #""target":"n2","payload":"x""#, #"field "payload" must be an object"#),
        wrong(type, #""target":"n2","payload":[{}]"#, #"field "payload" must be an object"#),
      ]
    }
    cases += [
      wrong("proxy", #""inner":{"type":"x"}"#, #"missing field "target""#),
      wrong("proxy", #""target":["n2"],"inner":{}"#, #"field "target" must be a string"#),
      wrong("proxy", #""target":"n2""#, #"missing field "inner""#),
      wrong("proxy", #""target":"n2","inner":5"#, #"field "inner" must be an object"#),
    ]
    expectHandled(cases)
  }

  @Test func everyWrongFieldOfComputeBackoffGetsErrorTwelveNamingIt() {
    let retries = #"field "max_retries" must be an integer in 0...100"#
    let seconds = "must be a number of seconds in (0, 86400]"
    var cases = [wrong("compute_backoff", "", #"missing field "max_retries""#)]
    for bad in [#""3""#, "-1", "101", "2.5", "1.0", "true", "[3]", "1e3"] {
      cases.append(wrong("compute_backoff", #""max_retries":\#(bad)"#, retries))
    }
    for field in ["base_delay", "max_delay"] {
      for bad in ["0", "-1", #""x""#, "0.0", "86401", "1e300", "{}", "false"] {
        cases.append(
          wrong(
            "compute_backoff", #""max_retries":3,"\#(field)":\#(bad)"#,
            #"field "\#(field)" \#(seconds)"#))
      }
    }
    expectHandled(cases)
  }

  @Test func everyWrongFieldOfTheOtherRequestsGetsErrorTwelveNamingIt() {
    let count = #"field "count" must be an integer in 0...9223372036854775807"#
    let seed = #"field "seed" must be an integer in -9223372036854775808...9223372036854775807"#
    let rate = #"field "drop_rate" must be a number in [0, 1]"#
    expectHandled([
      wrong("init", #""node_ids":["n1"]"#, #"missing field "node_id""#),
      wrong("init", #""node_id":5,"node_ids":["n1"]"#, #"field "node_id" must be a string"#),
      wrong("init", #""node_id":"n9""#, #"missing field "node_ids""#),
      wrong("init", #""node_id":"n9","node_ids":"x""#, #"field "node_ids" must be an array"#),
      wrong(
        "init", #""node_id":"n9","node_ids":[1]"#, #"field "node_ids" must be an array of strings"#
      ),
      wrong(
        "init", #""node_id":"n9","node_ids":["n1",null]"#,
        #"field "node_ids" must be an array of strings"#),
      wrong("echo", "", #"missing field "echo""#),
      wrong("dedup_echo", "", #"missing field "echo""#),
      wrong("bench_echo", "", #"missing field "echo""#),
      wrong("batch_echo", "", #"missing field "values""#),
      wrong("batch_echo", #""values":{}"#, #"field "values" must be an array"#),
      wrong("batch_echo", #""values":"x""#, #"field "values" must be an array"#),
      wrong("validate", "", #"missing field "payload""#),
      wrong("validate", #""payload":5"#, #"field "payload" must be a string"#),
      wrong("validate", #""payload":{"src":"a"}"#, #"field "payload" must be a string"#),
      wrong("get_log", #""count":-1"#, count),
      wrong("get_log", #""count":"x""#, count),
      wrong("get_log", #""count":1.5"#, count),
      wrong("get_log", #""count":99999999999999999999"#, count),
      wrong("chaos_on", #""drop_rate":2"#, rate),
      wrong("chaos_on", #""drop_rate":-0.1"#, rate),
      wrong("chaos_on", #""drop_rate":"x""#, rate),
      wrong("chaos_on", #""drop_rate":true"#, rate),
      wrong("chaos_on", #""seed":1.5"#, seed),
      wrong("chaos_on", #""seed":"42""#, seed),
      wrong("chaos_on", #""drop_rate":0.5,"seed":[]"#, seed),
    ])
  }

  @Test func requestsWithoutFieldsIgnoreExtraOnesAndUnknownTypesGetErrorTen() {
    let child = Child(["--seed", "1", "--log-level", "error"])
    child.write(
      [
        Self.initLine, Self.request("frobnicate", 2, #""x":1"#), Self.request("", 3),
        Self.request("chaos_off", 4, #""drop_rate":"x""#), Self.echo(5, "5"),
      ].joined(separator: "\n") + "\n")
    child.closeInput()
    #expect(child.finish(within: 30) == 0)
    #expect(
      child.outLines.dropFirst() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 10, "text": "unsupported message type: \"frobnicate\"", "in_reply_to": 2, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 10, "text": "unsupported message type: \"\"", "in_reply_to": 3, "msg_id": 2}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "chaos_off_ok", "in_reply_to": 4, "msg_id": 3}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 5, "in_reply_to": 5, "msg_id": 4}}"#,
      ])
  }
}
