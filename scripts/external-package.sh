#!/usr/bin/env bash
# make example: the README's example, built and run as a user of the library would.
#
# 1. The README's example block must be Examples/Counter/main.swift, byte for byte.
# 2. The working tree (tracked and untracked files; .gitignore respected) is committed to a
#    scratch git repository and tagged 0.1.0.
# 3. Tests/ExternalPackage, a package outside this one, depends on it by URL and version
#    (`from: "0.1.0"`) and builds with `swift build` (debug: the quickest to compile).
# 4. The counter runs on Tests/ExternalPackage/session.jsonl (the seq-kv replies are scripted:
#    msg_ids are deterministic) and its stdout must be expected.jsonl, and it must exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkg=$root/Tests/ExternalPackage
work=${EXTERNAL_WORK:-$root/.build/external}
repo=$work/messenger

# 1. The README quotes the example verbatim: the block after the marker line.
readme_block=$(awk '/^<!-- Examples\/Counter\/main.swift -->$/ { getline; inside = 1; next }
  inside && /^```$/ { exit } inside { print }' README.md)
if [ "$readme_block" != "$(cat Examples/Counter/main.swift)" ]; then
  echo "example: README.md's example differs from Examples/Counter/main.swift" >&2
  diff <(echo "$readme_block") Examples/Counter/main.swift >&2 || true
  exit 1
fi

# 2. A repository of the working tree, tagged.
rm -rf "$repo"
mkdir -p "$repo"
git ls-files -z --cached --others --exclude-standard |
  xargs -0 tar cf - --ignore-failed-read 2>/dev/null | tar xf - -C "$repo"
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=example -c user.email=example@localhost commit -qm snapshot
git -C "$repo" tag 0.1.0

# 3. The package that depends on it. Forget the last run's pin and checkout: the tag moved.
rm -rf "$pkg/Package.resolved" "$work/build/checkouts/messenger" "$work/build/repositories"/messenger-*
bin=$work/build/debug/counter
rm -f "$bin"
if ! MESSENGER_URL="file://$repo" swift build --package-path "$pkg" --scratch-path "$work/build" \
  --disable-dependency-cache -Xswiftc -warnings-as-errors > "$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "example: the external package did not build" >&2
  exit 1
fi

# 4. The piped session.
status=0
out=$("$bin" < "$pkg/session.jsonl" 2> "$work/stderr") || status=$?
if [ "$status" != 0 ] || [ "$out" != "$(cat "$pkg/expected.jsonl")" ]; then
  echo "example: the counter exited $status; its stdout against expected.jsonl:" >&2
  diff <(echo "$out") "$pkg/expected.jsonl" >&2 || true
  echo "its stderr:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
echo "example: built by URL and version, answered $(echo "$out" | wc -l) lines as expected"
