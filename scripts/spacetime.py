#!/usr/bin/env python3
"""Draw a space-time diagram (SVG) of a messenger run from the nodes' --trace stderr logs.

Each LOG is the stderr of one node run with --trace (or --log-level trace; debug adds the
`rpc start` and `rpc done` lines): one line per event, `<ISO-8601 UTC with ms>Z <LEVEL> <event>
key=value ...` (SPEC section 7). Give one log per node; `-` reads standard input. A log's node
is named by its `init node_id=` line (else by what its messages say), or by a `NAME=PATH`
argument.

The picture has one lane per node and per client or service that the nodes' messages name
(`c1`, `lin-kv`, a node without a log), time flowing down, and one arrow per message: a
`sent` line is matched to the `recv` line of the same (src, dest, msg_id) in the other node's
log; a message to or from a lane without a log is drawn from its one known end. Events get a
row each, in each log's line order (timestamps have millisecond resolution); logs are merged by
time, a receive always below its send, and the time between rows adds space (capped, and
marked with the gap's length). Marked on the lanes: calls (`rpc start` to `rpc done` or
`rpc gave up`, as a bar beside the lane), retries with their reason, timeouts, backoff waits
(`waited_ms`), give-ups, reaper passes, late replies (dashed arrows), chaos drops, and warnings.
Hover an arrow or a mark for its message body, call id and log line (SVG <title>). Lines the
tool does not know are skipped; their count is written at the bottom.

Big runs: only --max-messages messages are drawn (after skipping --skip), and the picture
says how many it left out.
"""

import argparse
import collections
import datetime
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z (\w+) (.*)$")
FIELD = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|\S*)')
CHAOS_DROP = re.compile(r"^chaos dropped (\S+) to (\S+) msg_id=(-?\d+)")
SERVICES = ("lin-kv", "seq-kv", "lww-kv", "lin-tso")

# Layout, in pixels.
ROW = 20
LANE_GAP = 190
LEFT = 120
TOP = 120
MARK_ROOM = 240

COLORS = {
    "request": "#1f5fbf",  # from a client or a service's caller to a node
    "rpc": "#7b3fb0",  # a node's own request (a call attempt, gossip, fire-and-forget)
    "reply": "#2e8b3e",  # a reply (in_reply_to)
    "error": "#c62828",  # a reply of type error
    "late": "#e07b00",  # a reply that came after its call ended
    "lost": "#888888",  # sent, never received (a chaos drop, or not in the receiver's log)
}


CALL_COLORS = {"done": "#2e8b3e", "gave up": "#c62828", "reaped": "#888888"}


class Event:
    """One understood log line."""

    def __init__(self, log, index, millis, level, kind, text, fields=None, envelope=None):
        self.log = log
        self.index = index
        self.millis = millis
        self.level = level
        self.kind = kind
        self.text = text
        self.fields = fields or {}
        self.envelope = envelope
        self.row = None
        self.message = None


class Log:
    """One node's stderr."""

    def __init__(self, path, forced_name=None):
        self.path = path
        self.name = forced_name
        self.events = []
        self.skipped = 0
        self.start_line = None


class Message:
    def __init__(self, src, dest, body):
        self.src = src
        self.dest = dest
        self.body = body
        self.sent = None
        self.recv = None
        self.dropped = False
        self.late = False
        self.calls = []  # (node, call id, kind, note) for the hover text

    @property
    def msg_id(self):
        return self.body.get("msg_id") if isinstance(self.body, dict) else None

    def first_row(self):
        return min(e.row for e in (self.sent, self.recv) if e is not None)


class Call:
    def __init__(self, node, call_id):
        self.node = node
        self.id = call_id
        self.kind = "?"
        self.dest = "?"
        self.requester = "-"
        self.start = None
        self.end = None
        self.outcome = None  # done, gave up, reaped
        self.lines = []
        self.slot = 0


def parse_fields(text):
    fields = {}
    for key, value in FIELD.findall(text):
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value.strip('"')
        fields[key] = value
    return fields


def parse_time(stamp):
    when = datetime.datetime.fromisoformat(stamp).replace(tzinfo=datetime.timezone.utc)
    return when.timestamp() * 1000.0


def read_log(log):
    stream = sys.stdin if log.path == "-" else open(log.path, encoding="utf-8", errors="replace")
    with stream:
        for line in stream:
            event = parse_line(log, len(log.events), line.rstrip("\n"))
            if event is None:
                log.skipped += 1
            else:
                log.events.append(event)


def parse_line(log, index, line):
    """The event of one stderr line, or None for a line the tool does not know."""
    match = LINE.match(line)
    if not match:
        return None
    try:
        millis = parse_time(match.group(1))
    except ValueError:
        return None
    level, text = match.group(2), match.group(3)

    def event(kind, fields=None, envelope=None):
        return Event(log, index, millis, level, kind, line, fields, envelope)

    if text.startswith(("recv {", "sent {")):
        try:
            envelope = json.loads(text[5:])
        except ValueError:
            return None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("body"), dict):
            return None
        return event(text[:4], envelope=envelope)
    if text.startswith("rpc "):
        for verb in ("start", "retry", "done", "gave up", "ignored"):
            if text.startswith("rpc " + verb + " "):
                return event("rpc " + verb, parse_fields(text[5 + len(verb):]))
        return None
    if text.startswith("reaper reaped"):
        fields = parse_fields(text)
        if "count" not in fields:  # older form: "reaper reaped 2 callbacks, 0 still pending"
            old = re.match(r"reaper reaped (\d+)", text)
            fields["count"] = old.group(1) if old else "?"
        return event("reaped", fields)
    if text.startswith("late"):  # "late reply from=n2 ..."; older: "late ... from n2 ..."
        fields = parse_fields(text)
        if "from" not in fields:
            old = re.search(r"from (\S+)", text)
            fields["from"] = old.group(1) if old else None
        return event("late", fields)
    drop = CHAOS_DROP.match(text)
    if drop:
        type_, dest, msg_id = drop.groups()
        return event("dropped", {"type": type_, "dest": dest, "msg_id": msg_id})
    if text.startswith("init "):
        fields = parse_fields(text)
        if log.name is None and fields.get("node_id"):
            log.name = fields["node_id"]
        return event("init", fields)
    if text.startswith("start "):
        log.start_line = line
        return event("start")
    if text.startswith("exit "):
        return event("exit", parse_fields(text))
    if text.startswith(("suppressed ", "end of input")) or level in ("WARN", "ERROR"):
        return event("note")
    return None


def name_logs(logs):
    """Names each log's node: its init line, else the src of what it sent, else the file."""
    for log in logs:
        if log.name:
            continue
        votes = collections.Counter()
        for e in log.events:
            if e.kind == "sent":
                votes[e.envelope.get("src")] += 1
            elif e.kind == "recv":
                votes[e.envelope.get("dest")] += 1
        votes.pop(None, None)
        log.name = votes.most_common(1)[0][0] if votes else os.path.basename(log.path)


def message_key(envelope):
    body = envelope["body"]
    msg_id = body.get("msg_id")
    if msg_id is None:  # no msg_id: the whole body tells sends apart
        msg_id = json.dumps(body, sort_keys=True)
    return (envelope.get("src"), envelope.get("dest"), json.dumps(msg_id))


def match_messages(logs):
    """Pairs each send with the receive of the same (src, dest, msg_id), first with first."""
    by_name = {log.name: log for log in logs}
    sends = collections.defaultdict(collections.deque)
    messages = []
    for log in logs:
        for e in log.events:
            if e.kind == "sent":
                m = Message(e.envelope.get("src"), e.envelope.get("dest"), e.envelope["body"])
                m.sent = e
                e.message = m
                messages.append(m)
                if m.dest in by_name:
                    sends[message_key(e.envelope)].append(m)
            elif e.kind == "dropped":
                body = {"type": e.fields["type"], "msg_id": int(e.fields["msg_id"])}
                m = Message(log.name, e.fields["dest"], body)
                m.sent = e
                m.dropped = True
                e.message = m
                messages.append(m)
    for log in logs:
        for e in log.events:
            if e.kind != "recv":
                continue
            queue = sends.get(message_key(e.envelope))
            if queue:  # sends from a logged node to this one, in the sender's order
                m = queue.popleft()
                m.body = e.envelope["body"]
            else:
                m = Message(e.envelope.get("src"), e.envelope.get("dest"), e.envelope["body"])
                messages.append(m)
            m.recv = e
            e.message = m
    return messages


def merge(logs):
    """All events in one order: each log's own order, by time across logs, receives below sends."""
    heads = [0] * len(logs)
    placed = []
    while True:
        ready, blocked = [], []
        for i, log in enumerate(logs):
            if heads[i] < len(log.events):
                e = log.events[heads[i]]
                m = e.message
                waiting = e.kind == "recv" and m and m.sent is not None and m.sent.row is None
                (blocked if waiting else ready).append((e.millis, i, e))
        choice = min(ready or blocked, default=None, key=lambda c: (c[0], c[1]))
        if choice is None:
            return placed
        e = choice[2]
        e.row = len(placed)
        placed.append(e)
        heads[choice[1]] += 1


def collect_calls(logs, messages):
    """Calls by (node, call id) from the rpc lines, with the messages they sent and got."""
    calls = {}
    attempt_of = {}  # (node, msg_id) -> (call, note)
    for log in logs:
        for e in log.events:
            if e.kind.startswith("rpc ") and "call" in e.fields:
                key = (log.name, e.fields["call"])
                call = calls.setdefault(key, Call(*key))
                call.lines.append(e.text)
                call.kind = e.fields.get("kind", call.kind)
                call.dest = e.fields.get("dest", call.dest)
                call.requester = e.fields.get("requester", call.requester)
                if e.kind == "rpc start":
                    call.start = e
                    attempt_of[(log.name, e.fields.get("msg_id"))] = (call, "attempt 1")
                elif e.kind == "rpc retry":
                    attempt_of[(log.name, e.fields.get("msg_id"))] = (
                        call, "attempt " + e.fields.get("attempt", "?"))
                elif e.kind in ("rpc done", "rpc gave up") and call.end is None:
                    call.end = e
                    call.outcome = "done" if e.kind == "rpc done" else "gave up"
                    for msg_id in e.fields.get("msg_ids", "").split(","):
                        attempt_of.setdefault((log.name, msg_id), (call, "an attempt"))
            elif e.kind == "reaped":
                for call_id in e.fields.get("calls", "").split(","):
                    call = calls.get((log.name, call_id))
                    if call and call.end is None:
                        call.end, call.outcome = e, "reaped"
                        call.lines.append(e.text)
    for m in messages:
        body = m.body if isinstance(m.body, dict) else {}
        found = attempt_of.get((m.src, str(body.get("msg_id"))))
        if found:
            m.calls.append("call %s (%s) %s" % (found[0].id, found[0].kind, found[1]))
        found = attempt_of.get((m.dest, str(body.get("in_reply_to"))))
        if found:
            m.calls.append("reply to call %s (%s) %s" % (found[0].id, found[0].kind, found[1]))
    return calls


def mark_late(logs):
    """A `late reply` line makes the receive before it of that reply a late one."""
    for log in logs:
        for i, e in enumerate(log.events):
            if e.kind != "late":
                continue
            for earlier in (log.events[j] for j in range(i - 1, -1, -1)):
                if earlier.kind != "recv":
                    continue
                body = earlier.envelope["body"]
                if earlier.envelope.get("src") == e.fields.get("from") and str(
                        body.get("in_reply_to")) == str(e.fields.get("in_reply_to")):
                    earlier.message.late = True
                    break


def lane_order(logs, messages):
    """Clients first, then the nodes with logs, then other nodes, then services."""
    logged = [log.name for log in logs]
    seen = []
    for m in messages:
        for name in (m.src, m.dest):
            if name is not None and name not in seen and name not in logged:
                seen.append(name)

    def rank(name):
        if name in SERVICES:
            return 3
        if re.match(r"^c\d+$", name):
            return 0
        return 2

    others = sorted(seen, key=lambda n: (rank(n), natural(n)))
    return [n for n in others if rank(n) == 0] + sorted(logged, key=natural) + [
        n for n in others if rank(n) > 0
    ]


def natural(name):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(name))]


def esc(text):
    return html.escape(str(text), quote=True)


def clock(millis):
    when = datetime.datetime.fromtimestamp(millis / 1000.0, datetime.timezone.utc)
    return when.strftime("%H:%M:%S.") + "%03d" % (round(millis) % 1000)


class Picture:
    """Places rows and lanes, and writes the SVG."""

    def __init__(self, args, logs, events, messages, calls):
        self.args = args
        self.logs = logs
        self.out = []
        self.all_messages = messages
        # Elision: draw the messages from --skip on, at most --max-messages of them, and the
        # events between the first and the last row they need.
        ordered = sorted(messages, key=lambda m: m.first_row())
        self.skipped = ordered[: args.skip]
        self.shown = ordered[args.skip : args.skip + args.max_messages]
        self.elided = ordered[args.skip + args.max_messages :]
        first = self.shown[0].first_row() if self.shown and self.skipped else 0
        last = self.elided[0].first_row() if self.elided else len(events)
        self.events = [e for e in events if first <= e.row < last]
        self.first_row, self.last_row = first, last
        self.calls = calls
        self.lanes = lane_order(logs, self.shown)
        self.logged = {log.name: log for log in logs}
        self.x = {name: LEFT + 40 + i * LANE_GAP for i, name in enumerate(self.lanes)}
        self.place_rows()

    def place_rows(self):
        """y of each row: ROW apart, plus space for the time between them (capped)."""
        self.y = {}
        self.gaps = []
        y, before = TOP, None
        for e in self.events:
            if before is not None:
                wait = e.millis - before
                extra = wait * self.args.px_per_ms
                if extra > self.args.max_gap:
                    self.gaps.append((y, wait))
                    extra = self.args.max_gap
                y += extra
            y += ROW
            self.y[e.row] = y
            before = e.millis
        self.bottom = y + 40
        self.times = [(e.millis, self.y[e.row]) for e in self.events]

    def y_at(self, millis):
        """The y of a moment, between the rows around it."""
        previous = None
        for t, y in self.times:
            if t >= millis:
                if previous is None or t == previous[0]:
                    return y
                share = (millis - previous[0]) / (t - previous[0])
                return previous[1] + share * (y - previous[1])
            previous = (t, y)
        return previous[1] if previous else TOP

    def emit(self, text):
        self.out.append(text)

    def svg(self):
        width = LEFT + 40 + max(len(self.lanes) - 1, 0) * LANE_GAP + MARK_ROOM
        width = max(width, 760)
        height = self.bottom + 60
        self.width, self.height = int(width), int(height)
        self.emit(
            '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
            'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">'
            % (self.width, self.height, self.width, self.height)
        )
        self.defs()
        self.emit('<rect width="100%" height="100%" fill="white"/>')
        self.header()
        self.lifelines()
        self.time_axis()
        self.call_bars()
        for m in self.shown:
            self.arrow(m)
        for e in self.events:
            self.mark(e)
        self.footer()
        self.emit("</svg>")
        return "\n".join(self.out) + "\n"

    def defs(self):
        self.emit("<defs>")
        for name, color in COLORS.items():
            self.emit(
                '<marker id="head-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                'markerHeight="7" orient="auto-start-reverse">'
                '<path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>' % (name, color)
            )
        self.emit(
            "<style>.label{paint-order:stroke;stroke:white;stroke-width:3px;stroke-linejoin:round}"
            ".small{font-size:9px;fill:#555}.msg:hover line,.msg:hover path{stroke-width:3}"
            "</style></defs>"
        )

    def header(self):
        files = ", ".join("%s (%s)" % (log.name, log.path) for log in self.logs)
        self.emit('<text x="10" y="20" font-size="14" font-weight="bold">%s</text>' % esc(
            "messenger run: %d messages drawn of %d" % (len(self.shown), len(self.all_messages))))
        self.emit('<text x="10" y="36" class="small">%s</text>' % esc("logs: " + files))
        if self.skipped or self.elided:
            self.emit(
                '<text x="10" y="52" fill="#c62828" font-weight="bold" class="elided">%s</text>'
                % esc(self.elision_text())
            )
        legend = [
            ("request", "request"), ("rpc", "node's request"), ("reply", "reply"),
            ("error", "error reply"), ("late", "late reply"), ("lost", "lost / one end known"),
        ]
        x = 10
        for name, text in legend:
            self.emit(
                '<line x1="%d" y1="66" x2="%d" y2="66" stroke="%s" stroke-width="2" '
                'marker-end="url(#head-%s)"/>'
                '<text x="%d" y="70">%s</text>' % (x, x + 24, COLORS[name], name, x + 28, esc(text))
            )
            x += 40 + 6 * len(text)
        self.emit(
            '<text x="10" y="86" class="small">bars beside a lane: calls (green done, red gave up, '
            "grey reaped); amber: backoff wait; hover any arrow or mark for its body and log line"
            "</text>"
        )

    def elision_text(self):
        parts = []
        if self.skipped:
            parts.append("skipped the first %d messages (--skip)" % len(self.skipped))
        if self.elided:
            parts.append(
                "elided %d messages after %s (--max-messages %d)"
                % (len(self.elided), clock(self.elided[0].sent.millis if self.elided[0].sent
                                         else self.elided[0].recv.millis), self.args.max_messages)
            )
        return "; ".join(parts)

    def lifelines(self):
        for name in self.lanes:
            x = self.x[name]
            log = self.logged.get(name)
            if log:
                note = "log: %s" % os.path.basename(log.path)
                title = log.start_line or note
                dash = ""
            else:
                note = "service, no log" if name in SERVICES else "no log"
                if re.match(r"^c\d+$", name):
                    note = "client, no log"
                title = "%s: no log given; its messages are drawn from the other end" % name
                dash = ' stroke-dasharray="4 4"'
            self.emit(
                '<g class="lane"><title>%s</title>'
                '<rect x="%d" y="%d" width="80" height="22" rx="4" fill="%s" stroke="#333"/>'
                '<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s'
                '</text><text x="%d" y="%d" text-anchor="middle" class="small">%s</text>'
                '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"%s/></g>'
                % (esc(title), x - 40, TOP - 22, "#e8eefb" if log else "#f4f4f4", x, TOP - 7,
                   esc(name), x, TOP - 26, esc(note[:40]), x, TOP, x, self.bottom, dash)
            )

    def time_axis(self):
        last_y = -100
        last_ms = None
        for t, y in self.times:
            if t != last_ms and y - last_y >= 12:
                self.emit('<text x="8" y="%.1f" class="small">%s</text>' % (y + 3, clock(t)))
                last_y = y
            last_ms = t
        for y, wait in self.gaps:
            self.emit(
                '<g class="gap"><line x1="8" y1="%.1f" x2="%d" y2="%.1f" stroke="#ccc" '
                'stroke-dasharray="2 3"/><text x="60" y="%.1f" class="small">%s</text></g>'
                % (y + 8, self.width - 10, y + 8, y + 20, esc("+%d ms" % round(wait)))
            )

    def call_bars(self):
        """A bar beside its node's lane from a call's start to its end, one slot per overlap."""
        shown_rows = set(self.y)
        busy = collections.defaultdict(list)  # node -> end rows of the slots
        for call in sorted(self.calls.values(), key=lambda c: c.start.row if c.start else -1):
            if call.start is None or call.start.row not in shown_rows:
                continue
            end_row = call.end.row if call.end and call.end.row in shown_rows else None
            slots = busy[call.node]
            call.slot = next((i for i, end in enumerate(slots) if end < call.start.row), len(slots))
            if call.slot == len(slots):
                slots.append(0)
            slots[call.slot] = end_row if end_row is not None else float("inf")
            x = self.x[call.node] + 6 + 5 * call.slot
            y1 = self.y[call.start.row]
            y2 = self.y[end_row] if end_row is not None else self.bottom
            color = CALL_COLORS.get(call.outcome, "#bbb")
            self.emit(
                '<g class="call"><title>%s</title><rect x="%d" y="%.1f" width="4" height="%.1f" '
                'fill="%s" opacity="0.8"/></g>'
                % (esc("call %s %s to %s, requester %s: %s\n%s" % (
                    call.id, call.kind, call.dest, call.requester, call.outcome or "not ended",
                    "\n".join(call.lines))), x, y1, max(y2 - y1, 2), color)
            )

    def arrow(self, m):
        """One arrow per message: a <g class="msg"> with the arrow, a label and a <title>."""
        body = m.body if isinstance(m.body, dict) else {}
        kind = "reply" if "in_reply_to" in body else "request"
        if kind == "request" and self.logged.get(m.src):
            kind = "rpc"
        if body.get("type") == "error":
            kind = "error"
        if m.late:
            kind = "late"
        sent = m.sent if m.sent is not None and m.sent.row in self.y else None
        recv = m.recv if m.recv is not None and m.recv.row in self.y else None
        if m.dropped or (sent and not recv and m.dest in self.logged):
            kind = "lost"
        if m.src not in self.x or m.dest not in self.x:
            return
        x1, x2 = self.x[m.src], self.x[m.dest]
        dash = ' stroke-dasharray="5 3"' if kind in ("late", "lost") else ""
        if sent and recv:
            y1, y2 = self.y[sent.row], self.y[recv.row]
        elif sent:
            y1 = self.y[sent.row]
            y2 = y1 + 10
        else:
            y2 = self.y[recv.row]
            y1 = y2 - 10
        if kind == "lost" and x1 != x2:
            x2 = x1 + (x2 - x1) * 0.6  # stops short: it never arrived
        color = COLORS[kind]
        label = "%s %s" % (body.get("type", "?"), body.get("msg_id", ""))
        if x1 == x2:  # to itself: a loop beside the lane
            bend = x1 + 45
            path = "M%d,%.1f C%d,%.1f %d,%.1f %d,%.1f" % (x1, y1, bend, y1, bend, y2, x2, y2)
            label_x, label_y, anchor = bend - 8, (y1 + y2) / 2 + 3, "start"
        else:
            # The label sits at the end whose row is in a log (the sender's when both are), so
            # the labels of a reply and of the next request between two lanes do not overlap.
            path = "M%d,%.1f L%.1f,%.1f" % (x1, y1, x2, y2)
            direction = 1 if x2 > x1 else -1
            # Clear of the call bars on the right of a lane, and of the arrowheads.
            if sent or kind == "lost":
                label_x = x1 + (24 if direction > 0 else -10)
                anchor = "start" if direction > 0 else "end"
            else:
                label_x = x2 - (16 if direction > 0 else -26)
                anchor = "end" if direction > 0 else "start"
            # Above the line at both ends of the text (about 6 px a character).
            far_x = label_x + (len(label) * 6 if anchor == "start" else -len(label) * 6)
            label_y = min(y1 + (y2 - y1) * (x - x1) / (x2 - x1) for x in (label_x, far_x)) - 3
        head = "" if kind == "lost" else ' marker-end="url(#head-%s)"' % kind
        cross = ""
        if kind == "lost":
            cross = '<path d="M%.1f,%.1f l6,6 m0,-6 l-6,6" stroke="%s" stroke-width="2"/>' % (
                x2 - 3, y2 - 3, color)
        self.emit(
            '<g class="msg %s" data-src="%s" data-dest="%s" data-msg-id="%s"><title>%s</title>'
            '<path d="%s" fill="none" stroke="%s" stroke-width="1.6"%s%s/>%s'
            '<text x="%.1f" y="%.1f" text-anchor="%s" class="label" fill="%s">%s</text></g>'
            % (kind, esc(m.src), esc(m.dest), esc(json.dumps(m.msg_id)), esc(self.hover(m)), path,
               color, dash, head, cross, label_x, label_y, anchor, color, esc(label))
        )

    def hover(self, m):
        ends = []
        if m.sent is not None:
            ends.append(("dropped by chaos at " if m.dropped else "sent ") + clock(m.sent.millis))
        if m.recv is not None:
            ends.append("received " + clock(m.recv.millis))
        if m.sent is not None and m.recv is None and not m.dropped:
            ends.append("no receive in the logs drawn" if m.dest in self.logged else
                        "%s has no log" % m.dest)
        if m.recv is not None and m.sent is None and m.src not in self.logged:
            ends.append("%s has no log" % m.src)
        lines = ["%s -> %s msg_id=%s%s" % (m.src, m.dest, json.dumps(m.msg_id),
                                           " (late: its call had ended)" if m.late else ""),
                 ", ".join(ends)]
        lines += m.calls
        lines.append(json.dumps(m.body)[:2000])
        return "\n".join(lines)

    def mark(self, e):
        """Retries, timeouts, backoff waits, give-ups, reaper passes, notes: beside the lane."""
        if e.log.name not in self.x:
            return
        f = e.fields
        x = self.x[e.log.name] + 20
        y = self.y[e.row]
        call = " call %s" % f["call"] if "call" in f else ""
        if e.kind == "rpc start":
            text, color, cls = "start%s %s" % (call, f.get("kind", "")), "#555", "start"
        elif e.kind == "rpc retry":
            reason = f.get("reason")
            text = "retry%s %s%s" % (call, f.get("attempt", "?"), " " + reason if reason else "")
            color, cls = "#e07b00", "retry"
            if reason == "timeout":
                cls += " timeout"
            if "waited_ms" in f:
                self.backoff(e, x - 29, float(f["waited_ms"]))  # left of the lane
                text += " after backoff %s ms" % f["waited_ms"]
        elif e.kind == "rpc done":
            text = "done%s %s attempts, %s ms" % (
                call, f.get("attempts", "?"), f.get("elapsed_ms", "?"))
            color, cls = "#2e8b3e", "done"
        elif e.kind == "rpc gave up":
            reason = f.get("reason") or f.get("last") or ""
            text = "gave up%s %s %s" % (call, f.get("attempts", ""), reason)
            color, cls = "#c62828", "gaveup" + (" timeout" if "time" in reason else "")
        elif e.kind == "rpc ignored":  # an error 11 to an attempt the call has moved past
            text = "ignored%s %s" % (call, f.get("reason", ""))
            color, cls = "#666", "ignored"
        elif e.kind == "reaped":
            calls = " calls " + f["calls"] if f.get("calls") else ""
            text, color, cls = "reaper reaped %s%s" % (f.get("count", "?"), calls), "#666", "reap"
        elif e.kind == "late":
            text, color, cls = "late reply from %s" % f.get("from"), "#e07b00", "late"
        elif e.kind == "dropped":
            text, color, cls = "chaos dropped %s" % f.get("type"), "#888", "drop"
        elif e.kind == "exit":
            text, color, cls = "exit", "#333", "exit"
        elif e.kind == "note":
            text = e.text.split(" ", 2)[2][:60]
            color, cls = "#c62828" if e.level in ("WARN", "ERROR") else "#555", "note"
        else:
            return
        symbol = {"retry": "\u21bb", "done": "\u2713", "gaveup": "\u2717", "reap": "\u2620"}.get(
            cls.split()[0], "\u2022")
        self.emit(
            '<g class="mark %s"><title>%s</title>'
            '<text x="%d" y="%.1f" fill="%s" class="label">%s %s</text></g>'
            % (cls, esc(e.text), x, y + 4, color, symbol, esc(text))
        )

    def backoff(self, e, x, waited):
        y2 = self.y[e.row]
        y1 = min(self.y_at(e.millis - waited), y2 - 2)
        self.emit(
            '<g class="backoff"><title>%s</title><rect x="%d" y="%.1f" width="6" height="%.1f" '
            'fill="#f2b33d" opacity="0.8"/></g>'
            % (esc("backoff wait of %g ms before this attempt\n%s" % (waited, e.text)),
               x, y1, y2 - y1)
        )

    def footer(self):
        y = self.bottom + 20
        if self.skipped or self.elided:
            self.emit('<text x="10" y="%d" class="elided" fill="#c62828" font-weight="bold">'
                      "%s</text>" % (y, esc(self.elision_text())))
            y += 16
        notes = []
        if not self.all_messages:
            notes.append("no recv or sent lines in these logs: run the nodes with --trace")
        skipped = sum(log.skipped for log in self.logs)
        if skipped:
            notes.append("%d log lines not drawn (not in the grammar this tool reads)" % skipped)
        for note in notes:
            self.emit('<text x="10" y="%d">%s</text>' % (y, esc(note)))
            y += 16


def render_png(svg_path, png_path, width, height):
    """Screenshots the SVG with headless Chromium; returns an error text, or None."""
    names = ("chromium", "chromium-browser", "google-chrome")
    browser = next((shutil.which(n) for n in names if shutil.which(n)), None)
    if browser is None:
        return "no chromium on PATH (Debian: apt-get install chromium)"
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--user-data-dir=" + profile, "--screenshot=" + os.path.abspath(png_path),
                   "--window-size=%d,%d" % (width, min(height, 16000)),
                   "file://" + os.path.abspath(svg_path)]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=120, check=False)
        except subprocess.TimeoutExpired:
            return "chromium did not finish within 120 s"
    return None if os.path.exists(png_path) else "chromium wrote no PNG"


def main():
    parser = argparse.ArgumentParser(
        prog="spacetime.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: make demo (then open demo-out/demo.svg); or\n"
               "  scripts/spacetime.py -o run.svg n1.log n2.log n3.log")
    parser.add_argument("logs", nargs="+", metavar="LOG",
                        help="a node's --trace stderr; `-` for stdin; NAME=PATH names its node")
    parser.add_argument("-o", "--output", default="-", metavar="FILE",
                        help="the SVG file to write (default: stdout)")
    parser.add_argument("--max-messages", type=int, default=300, metavar="N",
                        help="draw at most N messages, and say how many were elided (default 300)")
    parser.add_argument("--skip", type=int, default=0, metavar="N",
                        help="leave out the first N messages (default 0)")
    parser.add_argument("--px-per-ms", type=float, default=0.25, metavar="PX",
                        help="extra space per millisecond between rows (default 0.25)")
    parser.add_argument("--max-gap", type=float, default=90, metavar="PX",
                        help="cap on that space, in pixels; longer gaps are labelled (default 90)")
    parser.add_argument("--png", metavar="FILE",
                        help="also render the SVG to a PNG with headless Chromium (needs -o)")
    args = parser.parse_args()
    if args.max_messages < 1 or args.skip < 0:
        parser.error("--max-messages must be at least 1 and --skip at least 0")
    if args.png and args.output == "-":
        parser.error("--png needs -o FILE")

    logs = []
    for spec in args.logs:
        named = re.match(r"^([\w.-]+)=(.+)$", spec)
        if named and not os.path.exists(spec):
            logs.append(Log(named.group(2), named.group(1)))
        else:
            logs.append(Log(spec))
    for log in logs:
        try:
            read_log(log)
        except OSError as error:
            parser.error("cannot read %s: %s" % (log.path, error.strerror))
    name_logs(logs)
    messages = match_messages(logs)
    events = merge(logs)
    mark_late(logs)
    calls = collect_calls(logs, messages)
    picture = Picture(args, logs, events, messages, calls)
    svg = picture.svg()
    if args.output == "-":
        sys.stdout.write(svg)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(svg)
    print("spacetime: %d messages drawn of %d, %d lanes%s%s" % (
        len(picture.shown), len(messages), len(picture.lanes),
        "; " + picture.elision_text() if picture.skipped or picture.elided else "",
        "" if args.output == "-" else " -> " + args.output), file=sys.stderr)
    if args.png:
        error = render_png(args.output, args.png, picture.width, picture.height)
        if error:
            print("spacetime: no PNG: " + error, file=sys.stderr)
            return 1
        print("spacetime: -> " + args.png, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
