internal import Policy

/// What a timer is for. Attempts are named by their `msg_id`, and user timers by an id, neither
/// ever reused, so a timer whose work is gone cannot be mistaken for a later one in the slot.
enum TimerEvent {
  /// The attempt `msg_id` of the call in `slot` waited its full timeout.
  case attemptTimeout(slot: UInt32, msgID: Int)
  /// The backoff wait after the attempt `msg_id` of the call in `slot` is over.
  case backoffOver(slot: UInt32, msgID: Int)
  /// A reaper pass.
  case reap
  /// The user timer `id` in `slot` is due.
  case user(slot: UInt32, id: Int)
  /// Lines were suppressed in a window that is over: say how many.
  case logReport
}

extension Node {
  /// Runs the timer `event`, which was due at `due`.
  func run(_ event: TimerEvent, due: Instant) {
    guard isLive(event, deadline: due) else { return }
    switch event {
    case .attemptTimeout(let slot, _):
      stats.timeouts += 1
      attemptFailed(slot, .timeout)
    case .backoffOver(let slot, _):
      // isLive checked the call is waiting: the whole wait was taken.
      guard case .waiting(_, let length) = calls[slot]!.phase else { return }
      calls[slot]!.waited = calls[slot]!.waited + length
      sendAttempt(of: slot, waited: length)
    case .reap:
      reap()
    case .user(let slot, _):
      runUserTimer(slot, due: due)
    case .logReport:
      flushReports(all: false)
    }
  }

  /// True when the timer `event` due at `deadline` still has work: its call is still at that
  /// step, it is the reaper's current pass, its user timer is still armed for then.
  func isLive(_ event: TimerEvent, deadline: Instant) -> Bool {
    switch event {
    case .attemptTimeout(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.lastID == id && !call.isWaiting
    case .backoffOver(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.lastID == id && call.isWaiting
    case .reap:
      return reaperDeadline == deadline && pending.reapableCount > 0
    case .user(let slot, let id):
      guard let t = userTimers[slot] else { return false }
      return t.id == id && t.deadline == deadline
    case .logReport:
      return reportDeadline == deadline
    }
  }

  /// Arms the reaper's next pass: the first tick of its grid (every `--reap-interval-ms`) at
  /// which the oldest reapable callback is past the threshold, so no pass runs for nothing.
  /// `fresh` starts a new grid, when the first reapable callback of a busy spell arrives.
  func armReaper(fresh: Bool) {
    if fresh { reaperGridOrigin = now.monotonic }
    guard let origin = reaperGridOrigin, let oldest = pending.oldestReapable() else {
      reaperDeadline = nil
      return
    }
    let interval = config.reapInterval.nanoseconds
    let expiry = (oldest + config.reapThreshold).nanoseconds - origin.nanoseconds
    let ticks = expiry < 0 ? 1 : expiry / interval + 1
    let deadline = origin + Interval(nanoseconds: ticks * interval)
    reaperDeadline = deadline
    timers.insert(.reap, at: deadline)
  }

  /// A reaper pass: expires every callback registered more than the threshold ago.
  private func reap() {
    reaperDeadline = nil
    var expired: [UInt32] = []
    let cutoff = now.monotonic - config.reapThreshold
    let reaped = pending.reap(registeredBefore: cutoff) { _, slot in expired.append(slot) }
    if reaped > 0 {
      stats.reaped += reaped
      log(
        .info, "reaper reaped",
        "count=\(reaped) pending=\(pending.count) calls="
          + expired.prefix(10).map { String(calls[$0]!.id) }.joined(separator: ",")
          + (reaped > 10 ? ",..." : ""))
    }
    for slot in expired { finish(slot, .reaped) }
    if pending.reapableCount > 0 && reaperDeadline == nil { armReaper(fresh: false) }
  }
}
