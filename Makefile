# gate: quick start is `make gate` and `make test` (see README.md).
PREFIX ?= /usr/local
SWIFT ?= swift
BENCH ?=

.PHONY: all deps build gate test bench install clean fuzz sanitize hardening dist dist-package dist-check

all: build

## deps: install missing system packages (apt-get; needs root or sudo)
deps:
	@.ci/deps build

## build: release build of the gate binary (.build/release/gate), with the Swift runtime and Foundation
## linked in statically: a run starts in 9.5 ms instead of 16 (no dynamic loading of the Swift libraries),
## and the binary runs where no Swift toolchain is installed (docs/performance.md)
## The release build is reproducible: source paths are mapped to "." (no worktree path in the binary), and the
## commit and its date (SOURCE_DATE_EPOCH) are recorded for `gate --version --verbose` (Package.swift).
## The C libraries (libxxhash, PCRE2, SQLite, zlib, libxml2) stay shared: SwiftPM puts pkg-config's
## -L/usr/lib/<triple> before any -L of ours, and Debian's libxxhash.a lacks the dispatch functions gate calls.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export GATE_BUILD_COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
export GATE_BUILD_DATE ?= $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
RELEASE_FLAGS = -c release --product gate --static-swift-stdlib \
  -Xswiftc -file-prefix-map -Xswiftc $(CURDIR)=. -Xcc -ffile-prefix-map=$(CURDIR)=.
build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## gate: build, then run the launch suite on the bundled sample; reports in Reports/launch/
## (sign-offs start pending on a fresh clone; `gate attest` ticks them, see docs/release-workflow.md)
gate: build
	@.ci/deps suite
	.build/release/gate run Suites/launch.yaml --allow-pending-manual

## test: unit and end-to-end tests, including schema validation of every emitted report; the database tests
## start their own PostgreSQL cluster (GATE_REQUIRE_POSTGRES=1 makes one that cannot start a failure, not a skip)
test:
	@.ci/deps test
	$(SWIFT) build --build-tests
	GATE_PYTHON=$(CURDIR)/.build/venv/bin/python GATE_REQUIRE_POSTGRES=1 $(SWIFT) test

## bench: side-by-side benchmarks against peer tools (BENCH=name runs one)
bench: build
	@.ci/deps bench
	@Benchmarks/run $(BENCH)

## fuzz: build the libFuzzer targets (Fuzz/) and run each for FUZZ_SECONDS (default 60); FUZZ=name runs one
FUZZ_SECONDS ?= 60
FUZZ ?=
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run $(FUZZ)

## sanitize: ThreadSanitizer on the scheduler and process-runner tests, AddressSanitizer on the whole suite
sanitize:
	@.ci/deps test
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	GATE_BIN=$(CURDIR)/.build-tsan/debug/gate GATE_PYTHON=$(CURDIR)/.build/venv/bin/python \
	  $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --filter 'SchedulerTests|ProcessRunnerTests'
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	GATE_BIN=$(CURDIR)/.build-asan/debug/gate GATE_PYTHON=$(CURDIR)/.build/venv/bin/python ASAN_OPTIONS=detect_leaks=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

## hardening: the fault-injection and hostile-input tests at full size (2 GB floods, 10 GB sparse files)
hardening:
	$(SWIFT) build --build-tests
	GATE_HARDENING=1 GATE_PYTHON=$(CURDIR)/.build/venv/bin/python $(SWIFT) test --skip-build --filter HardeningTests

## dist: the release archive dist/gate-<version>-linux-<arch>.tar.gz (binary, completions, man page, README),
## a .deb of the same files, and dist/SHA256SUMS; byte-for-byte reproducible from one commit (docs/distribution.md)
dist: build
	.ci/dist-package .build/release/gate dist

## dist-package: only the packaging step, from an existing binary (GATE_BIN=path, default the release build)
GATE_BIN ?= .build/release/gate
dist-package:
	.ci/dist-package $(GATE_BIN) dist

## dist-check: two release builds from scratch, the archives compared byte for byte (slow: two cold builds)
dist-check:
	Tests/dist/reproducible-build

## install: install the binary, shell completions and man page under PREFIX (default /usr/local)
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/gate $(DESTDIR)$(PREFIX)/bin/gate
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	.build/release/gate --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gate
	.build/release/gate --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_gate
	install -d $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d $(DESTDIR)$(PREFIX)/share/man/man1
	.build/release/gate --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/gate.fish
	.ci/manpage .build/release/gate > $(DESTDIR)$(PREFIX)/share/man/man1/gate.1

## clean: remove build output and reports
clean:
	rm -rf .build Benchmarks/.work
	find Reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
