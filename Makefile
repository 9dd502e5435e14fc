# messenger: a Maelstrom node in Swift on libevent. `make check` is what CI runs (.ci/run).
# Every target works with stdin that is not a terminal (CI gives none).

PREFIX ?= /usr/local
# The demo runs with a fixed seed, so its backoff schedule is the same every time.
DEMO_ARGS ?= --seed 42
SWIFT ?= swift
BIN := .build/release/messenger
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHELL := /bin/bash

.PHONY: deps build check lint boundaries demo run trace bench soak leakcheck fuzz flood install \
  clean example

# libevent's headers and pkg-config file: the one system dependency (Debian: libevent-dev).
deps:
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists libevent_core; then \
	  echo "deps: installing libevent-dev and pkg-config"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y libevent-dev pkg-config; \
	fi

# The release binary, with the Swift runtime linked in: ldd shows libc and libevent_core only.
# The two flags are passed here, not in Package.swift (which a dependent package could not use
# with them): optimization across modules, and no dynamic exclusivity checks (README, "Choices").
RELEASE_FLAGS := -Xswiftc -cross-module-optimization -Xswiftc -enforce-exclusivity=unchecked
build: deps
	$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_FLAGS)

lint: deps
	$(SWIFT) format lint --strict -r Sources Tests Examples Package.swift

boundaries: deps
	scripts/check-boundaries.sh

# Format, module boundaries, a warning-free debug build, the release build the end-to-end tests
# run, then every test.
check: deps lint boundaries
	$(SWIFT) build -Xswiftc -warnings-as-errors
	$(MAKE) build
	$(SWIFT) test
	$(MAKE) example

# The README's example (Examples/Counter) built by a package outside this one that depends on
# the Messenger library by URL and version (Tests/ExternalPackage), then run on a scripted
# session; the README must quote the example verbatim. About a minute: it compiles the library.
example:
	scripts/external-package.sh

# A short session through the node: its input, then what it wrote to stdout and to stderr.
demo: build
	@out=$$(mktemp) && err=$$(mktemp) && \
	status=0 && $(BIN) $(DEMO_ARGS) < demo/session.jsonl > $$out 2> $$err || status=$$?; \
	echo "== input (demo/session.jsonl)"; cat demo/session.jsonl; \
	echo "== stdout"; cat $$out; \
	echo "== stderr"; cat $$err; \
	echo "== exit status $$status"; rm -f $$out $$err

# The node on this terminal (or whatever stdin is): type JSON lines, Ctrl-D to end.
run: build
	$(BIN) $(ARGS)

# The demo under strace: every call with its time in trace.out, then counts per call and threads.
trace: build
	@command -v strace >/dev/null || { echo "trace: needs strace (apt-get install -y strace)"; exit 1; }
	strace -f -tt -o trace.out $(BIN) < demo/session.jsonl > /dev/null 2>&1 || true
	@echo "== system calls in trace.out (count, name)"
	@awk '$$3 !~ /^(<\.\.\.|\+\+\+|---)/ { name = $$3; sub(/\(.*/, "", name); n[name]++ } \
	  END { for (c in n) printf "%6d %s\n", n[c], c }' trace.out | sort -rn
	@echo "== threads seen: $$(awk '{ print $$1 }' trace.out | sort -u | wc -l)"

# Throughput, startup, memory and threads against the C floor node, then the idle check.
bench: deps
	scripts/bench.sh

# Soak: N mixed requests (default 2,000,000; about a minute) through the release node and a
# scripted peer that drops 10% of what the node sends it. Fails unless every request is answered
# exactly once, the node exits 0 after end of input, and VmRSS in the last quarter of the run is
# within 1 MiB of the first quarter.
N ?= 2000000
soak: build
	scripts/soak.py -n $(N) --bin $(BIN)

# A short soak (LEAK_N requests: relays that time out, reaped callbacks, then end of input) of a
# debug build under valgrind. Fails on definitely lost bytes; prints valgrind's leak summary.
LEAK_N ?= 3000
VALGRIND := valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
  --suppressions=scripts/valgrind.supp
leakcheck: deps
	@command -v valgrind >/dev/null || { echo "leakcheck: needs valgrind (apt-get install -y valgrind)"; exit 1; }
	$(SWIFT) build
	@status=0; scripts/soak.py -n $(LEAK_N) --no-rss --window 200 --bin .build/debug/messenger \
	  --wrapper "$(VALGRIND) --log-file=.build/leakcheck.log" || status=$$?; \
	echo "== valgrind (.build/leakcheck.log)"; \
	grep -E 'in use at exit|heap usage|(definitely|indirectly|possibly) lost:|still reachable:|ERROR SUMMARY' \
	  .build/leakcheck.log | sed 's/^==[0-9]*== *//'; exit $$status

# libFuzzer over the stream parser and the dispatcher (Tests/Fuzz), from the seeds in
# Tests/FuzzCorpus, for FUZZ_SECONDS; new inputs go to fuzz-out/corpus, crashes to
# fuzz-out/crashes. The target exists only with MESSENGER_FUZZ=1, built into .build-fuzz with
# coverage instrumentation and AddressSanitizer on every module it uses.
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_BIN := .build-fuzz/release/messenger-fuzz
fuzz: deps
	MESSENGER_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz \
	  --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product messenger-fuzz
	@mkdir -p fuzz-out/corpus fuzz-out/crashes
	@status=0; $(FUZZ_BIN) fuzz-out/corpus Tests/FuzzCorpus -max_total_time=$(FUZZ_SECONDS) \
	  -dict=Tests/FuzzDictionary.txt -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 \
	  -artifact_prefix=fuzz-out/crashes/ $(FUZZ_ARGS) > fuzz-out/log 2>&1 || status=$$?; \
	grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' fuzz-out/log || tail -5 fuzz-out/log; \
	echo "== executions: $$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz-out/log)" \
	  "in $(FUZZ_SECONDS) s; fuzz-out/corpus holds $$(ls fuzz-out/corpus | wc -l) inputs"; \
	crashes=$$(ls fuzz-out/crashes); \
	if [ -n "$$crashes" ] || [ $$status != 0 ]; then \
	  echo "== crashes (fuzz-out/crashes), log in fuzz-out/log:"; echo "$$crashes"; \
	  grep -m1 -B2 -A20 -E 'ERROR|Fatal error|Precondition' fuzz-out/log; exit 1; \
	else echo "== no crash"; fi

# The flood test at FLOOD_BYTES (1 GiB): seeded random bytes with a valid echo every 64 KiB
# through a pipe to the node the tests build; prints MiB/s and peak RSS, idle and flooded.
# make check runs the same test at 128 MiB.
FLOOD_BYTES ?= 1073741824
flood: deps
	$(SWIFT) build --build-tests
	MESSENGER_FLOOD_BYTES=$(FLOOD_BYTES) $(SWIFT) test --skip-build --filter FloodTests

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/messenger

# Needs nothing installed, so it does not depend on deps.
clean:
	rm -rf .build .build-fuzz bench-out fuzz-out trace.out
