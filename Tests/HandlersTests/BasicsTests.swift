import Harness
import Testing

@Suite struct BasicsTests {
  @Test func initAndEchoMatchTheSeedSampleByteForByte() {
    let h = Harness()
    h.send(
      #"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"retry-test"}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "retry-test", "in_reply_to": 2, "msg_id": 1}}"#,
      ])
  }

  @Test func aRequestBeforeInitGetsErrorElevenFromItsDest() {
    let h = Harness()
    h.send(#"{"src":"c1","dest":"n9","body":{"type":"echo","msg_id":5,"echo":1}}"#)
    #expect(
      h.take() == [
        #"{"src": "n9", "dest": "c1", "body": {"type": "error", "code": 11, "text": "node not initialized", "in_reply_to": 5, "msg_id": 0}}"#
      ])
  }

  @Test func anUnknownTypeGetsErrorTenNamingIt() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"frobnicate","msg_id":3}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 10, "text": "unsupported message type: \"frobnicate\"", "in_reply_to": 3, "msg_id": 1}}"#
      ])
  }

  @Test func aMissingFieldGetsErrorTwelveNamingTheField() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":3}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":4,"target":5,"payload":{}}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "echo: missing field \"echo\"", "in_reply_to": 3, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "relay: field \"target\" must be a string", "in_reply_to": 4, "msg_id": 2}}"#,
      ])
  }

  @Test func aRequestWithoutMsgIDIsHandledButNotAnswered() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":"n1","body":{"type":"echo","echo":"quiet"}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":9,"echo":"loud"}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": "loud", "in_reply_to": 9, "msg_id": 1}}"#
      ])
  }

  @Test func aBodyWithInReplyToZeroIsARoutedReplyAndNeverAnswered() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":"echo_ok","in_reply_to":0,"msg_id":4}}"#)
    #expect(h.take().isEmpty)
    #expect(h.node.stats.lateReplies == 1)
    #expect(h.logs.contains("DEBUG late reply from=c1 in_reply_to=0 type=echo_ok"))
  }

  @Test func anInvalidEnvelopeWithSrcAndMsgIDGetsErrorTwelve() {
    let h = Harness()
    h.initialize()
    h.send(
      #"{"src":"c1","dest":7,"body":{"type":"echo","msg_id":4,"echo":1}}"#,
      #"{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":5,"echo":2}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "invalid envelope: field \"dest\" must be a string", "in_reply_to": 4, "msg_id": 1}}"#,
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": 2, "in_reply_to": 5, "msg_id": 2}}"#,
      ])
    #expect(h.node.stats.malformed == 1)
  }

  @Test func anInvalidEnvelopeBeforeInitIsAnsweredFromItsDest() {
    let h = Harness()
    h.send(#"{"src":"c1","dest":"n1","body":{"type":7,"msg_id":4}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "invalid envelope: field \"body.type\" must be a string", "in_reply_to": 4, "msg_id": 0}}"#
      ])
  }

  @Test func aSecondInitIsAnsweredTheSameWay() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":7,"node_id":"n1","node_ids":["n1"]}}"#)
    #expect(h.take() == [#"{"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 7, "msg_id": 1}}"#])
  }

  @Test func echoedValuesComeOutAsPythonPrintsThem() {
    let h = Harness()
    h.initialize()
    h.send(#"{"src":"c1","dest":"n1","body":{"echo":{"b":[1.0,1e16,1E-5,-0.0,18446744073709551616],"a":"é😀\n"},"type":"echo","msg_id":2}}"#)
    #expect(
      h.take() == [
        #"{"src": "n1", "dest": "c1", "body": {"type": "echo_ok", "echo": {"b": [1.0, 1e+16, 1e-05, -0.0, 18446744073709551616], "a": "\u00e9\ud83d\ude00\n"}, "in_reply_to": 2, "msg_id": 1}}"#
      ])
  }
}
