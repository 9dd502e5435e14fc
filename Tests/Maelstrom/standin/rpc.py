"""Maelstrom's synchronous client (src/maelstrom/client.clj), as callbacks on the loop.

A client (`c0`, `c1`, ...) has one request outstanding at a time, numbers its requests 1, 2, ...,
waits `timeout` (5 s, Maelstrom's default) for the reply whose `in_reply_to` matches and ignores
any other (a late reply to a request it gave up on). A reply is checked against the RPC's
response schema as Maelstrom's `defrpc` checks it: the `_ok` type, the fields with their types, no
other keys (an `error` reply is taken as an error before any schema check). Maelstrom counts a
malformed response as a crashed operation; the stand-in fails the run, naming it.
"""

from .jsonval import is_int

DEFAULT_TIMEOUT = 5.0

# Maelstrom's definite errors (doc/protocol.md); every other code is indefinite.
DEFINITE = {1, 10, 11, 12, 14, 20, 21, 22, 30}


class Timeout:
    """No reply within the timeout: indefinite."""

    definite = False

    def __str__(self):
        return "net-timeout"


class ErrorReply:
    """An `error` reply: definite or not by its code."""

    def __init__(self, body):
        self.code = body.get("code")
        self.text = body.get("text")
        self.definite = self.code in DEFINITE

    def __str__(self):
        return f"error {self.code} {self.text!r}"


def any_value(_):
    return True


def string_map_of(check):
    """A JSON object with string keys whose values all pass `check`."""
    return lambda v: isinstance(v, dict) and all(check(x) for x in v.values())


def list_of(check):
    """A JSON array whose elements all pass `check`."""
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def pair_offset_message(v):
    """An [offset, message] pair."""
    return isinstance(v, list) and len(v) == 2 and is_int(v[0])


def schema_errors(body, ok_type, fields):
    """Why a reply body does not match `{type: ok_type, **fields}`, or None."""
    if body.get("type") != ok_type:
        return f"type {body.get('type')!r}, expected {ok_type!r}"
    if not is_int(body.get("in_reply_to")):
        return "in_reply_to must be an integer"
    if "msg_id" in body and not is_int(body["msg_id"]):
        return "msg_id must be an integer"
    allowed = {"type", "in_reply_to", "msg_id", *fields}
    extra = sorted(set(body) - allowed)
    if extra:
        return f"keys {extra} are not in the response schema"
    for name, check in fields.items():
        if name not in body:
            return f"missing field {name!r}"
        if not check(body[name]):
            return f"field {name!r} has the wrong type: {body[name]!r}"
    return None


class Conn:
    """One Maelstrom client connection: an id on the network and one call at a time."""

    def __init__(self, loop, net):
        self.loop = loop
        self.net = net
        self.id = net.open_client(self._receive)
        self.next_msg_id = 0
        self._waiting = None  # (msg_id, callback)

    def call(self, dest, body, callback, timeout=DEFAULT_TIMEOUT):
        """Sends `body` (with a fresh msg_id) to `dest`; `callback(reply_body or Timeout)` once."""
        assert self._waiting is None, "a Maelstrom client sends one request at a time"
        self.next_msg_id += 1
        msg_id = self.next_msg_id
        body = dict(body)
        body["msg_id"] = msg_id
        self._waiting = (msg_id, callback)
        self.net.send(self.id, dest, body)
        self.loop.after(timeout, lambda: self._expire(msg_id))

    def _receive(self, message):
        body = message["body"]
        if self._waiting and body.get("in_reply_to") == self._waiting[0]:
            callback = self._waiting[1]
            self._waiting = None
            callback(body)

    def _expire(self, msg_id):
        if self._waiting and self._waiting[0] == msg_id:
            callback = self._waiting[1]
            self._waiting = None
            callback(Timeout())

    def close(self):
        """Leaves the network; a late reply is dropped."""
        self._waiting = None
        self.net.close_client(self.id)


def rpc(loop, conn, dest, body, ok_type, fields, callback):
    """One typed RPC: `callback(reply)` on a reply that matches its schema, `callback(error)` on
    an error reply or a timeout; a malformed reply fails the run."""
    def done(reply):
        if isinstance(reply, Timeout):
            callback(reply)
            return
        if reply.get("type") == "error":
            callback(ErrorReply(reply))
            return
        why = schema_errors(reply, ok_type, fields)
        if why:
            loop.fail(f"malformed RPC response from {dest} to {body.get('type')!r}: {why}:\n"
                      f"  {reply!r}")
            return
        callback(reply)

    conn.call(dest, body, done)
