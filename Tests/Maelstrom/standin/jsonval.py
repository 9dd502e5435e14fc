"""JSON values compared the way Maelstrom (Clojure) compares them.

Python says 1 == 1.0 == True; Clojure's `=` does not. Values are compared, hashed and used as
keys through their canonical JSON text, which keeps 1, 1.0 and true apart and ignores key order.
"""

import json


def canon(value):
    """The canonical text of a JSON value: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def same(a, b):
    """Clojure `=` on two parsed JSON values."""
    return canon(a) == canon(b)


def is_int(value):
    """A JSON integer (not a bool, not a float)."""
    return isinstance(value, int) and not isinstance(value, bool)


def compact(envelope):
    """One line as Maelstrom's cheshire writes it: compact, no spaces."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
