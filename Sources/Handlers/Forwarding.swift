import NodeRuntime
import Policy

/// `proxy` (one attempt), `relay` (retries) and `backoff_relay` (retries with backoff), with the
/// track's timeouts. Their completions capture nothing: what they need comes with the result.
final class Forwarding {
  let proxyPlan: RetryPlan
  let relayPlan: RetryPlan
  let backoffPlan: RetryPlan

  init(_ s: TrackSettings) {
    // One attempt, and any reply is the result: an error 11 included.
    proxyPlan = .once(timeout: s.proxyTimeout)
    relayPlan = RetryPlan(attempts: s.retryAttempts, timeout: s.rpcTimeout)
    backoffPlan = RetryPlan(attempts: s.backoffAttempts, timeout: s.rpcTimeout, backoff: s.backoff)
  }

  func register(on node: Node) {
    node.handle("proxy") { [proxyPlan] node, msg in
      let target = try Target.of(msg, on: node)
      let inner = try msg.objectAsIs("inner")
      try node.call(target, body: inner, plan: proxyPlan, kind: "proxy") { node, r in
        guard let reply = r.reply else {
          let ms = proxyPlan.timeout.roundedMilliseconds
          throw RPCError(.timeout, "RPC timed out after \(ms) ms")
        }
        node.reply(to: r.requester!, "proxy_ok", ["result": reply.body])
      }
    }
    node.handle("relay") { [relayPlan] node, msg in
      let target = try Target.of(msg, on: node)
      let payload = try msg.objectAsIs("payload")
      try node.call(target, body: payload, plan: relayPlan, kind: "relay") { node, r in
        guard let reply = r.reply else { throw Forwarding.gaveUp(r) }
        node.reply(
          to: r.requester!, "relay_ok", ["attempts": .int(r.attempts), "result": reply.body])
      }
    }
    node.handle("backoff_relay") { [backoffPlan] node, msg in
      let target = try Target.of(msg, on: node)
      let payload = try msg.objectAsIs("payload")
      try node.call(target, body: payload, plan: backoffPlan, kind: "backoff_relay") { node, r in
        guard let reply = r.reply else { throw Forwarding.gaveUp(r) }
        node.reply(
          to: r.requester!, "backoff_relay_ok",
          [
            "attempts": .int(r.attempts),
            "total_delay_ms": .int(Int(r.waited.roundedMilliseconds)), "result": reply.body,
          ])
      }
    }
  }

  static func gaveUp(_ r: CallResult) -> RPCError {
    RPCError(.timeout, "RPC failed after \(r.attempts) attempts")
  }
}
