# Claimtrack — `make run` serves the app, `make test` proves it.

ADDR    ?= 127.0.0.1:8080
DB      ?= ./data/claimtrack.db
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
BIN     := bin/claimtrack
LDFLAGS := -s -w -X main.version=$(VERSION)
# The race detector needs cgo; use it wherever a C compiler is there.
RACE    ?= $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v gcc >/dev/null && echo -race)

.PHONY: run build generate seed test test-race test-fast browser-tools litestream screenshots loadtest cachetest outagecheck check vet fmt clean bench bench-data intake-eval

# Root installs system packages itself; anyone else through sudo.
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## run: build and serve on $(ADDR) with $(DB), created, migrated and seeded on first start
## (it says first that the first build downloads the Go modules and takes a few minutes)
run:
	@echo "Building claimtrack. The first build downloads the Go modules it needs and takes a few minutes; later builds take seconds."
	@$(MAKE) --no-print-directory build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

## build: compile the single binary into bin/
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/claimtrack

## generate: regenerate the templ components (*_templ.go, committed)
generate:
	$(GO) tool templ generate -path .

## seed: load the built-in datasets into $(DB) (idempotent)
seed: build
	./$(BIN) seed --db $(DB)

## test: static checks, then every test, the browser tests included (their tools installed first),
## without the race detector. Packages run two at a time; the slowest are named first so that they
## start first (./... adds the rest).
SLOW_PKGS := ./internal/e2e ./web ./internal/sqlite ./cmd/claimtrack
test: check browser-tools litestream
	CLAIMTRACK_BROWSER_TESTS=1 $(GO) test -count=1 -timeout 10m $(SLOW_PKGS) ./...

## test-race: the packages where goroutines meet (the server, storage, the webhook sender, the
## command), under the race detector when cgo and a C compiler are there; CI runs it after make test.
## Tests named *_Volume move a lot of data through one goroutine: the race detector would only slow
## them (SQLite is C compiled to Go), and make test runs them.
RACE_PKGS := ./web ./internal/sqlite ./internal/webhook ./cmd/claimtrack
test-race:
	$(GO) test -count=1 -timeout 20m $(RACE) -skip '_Volume$$' $(RACE_PKGS)

## test-fast: static checks and every test but the browser tests, for quick loops
test-fast: check
	$(GO) test -count=1 -timeout 20m ./...

## browser-tools: Debian's Chromium, a Java runtime and the pinned npm tools (axe-core, vnu-jar), when missing
browser-tools:
	@command -v chromium >/dev/null || { echo "installing chromium"; $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null || { echo "installing a Java runtime"; $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@[ -f .e2e/node_modules/axe-core/axe.min.js ] && [ -f .e2e/node_modules/vnu-jar/build/dist/vnu.jar ] || npm ci --prefix .e2e --no-audit --no-fund --ignore-scripts

## litestream: Litestream, which replicates the database (docs/operations.md), at the pinned version
## into .tools, when missing or at another version; built from the Go module proxy without cgo (the
## first build takes about 3 minutes). The replication test runs it.
LITESTREAM_VERSION := v0.5.18
LITESTREAM         := .tools/litestream
litestream:
	@[ "$$($(LITESTREAM) version 2>/dev/null)" = "$(LITESTREAM_VERSION)" ] || { echo "installing litestream $(LITESTREAM_VERSION) into .tools (the first build takes a few minutes)"; \
		GOBIN=$(CURDIR)/.tools CGO_ENABLED=0 $(GO) install github.com/benbjohnson/litestream/cmd/litestream@$(LITESTREAM_VERSION); }

## screenshots: PNGs of the claims list, a claim, sources, a search and the reliability page, desktop and phone, into data/screenshots
screenshots: browser-tools
	CLAIMTRACK_BROWSER_TESTS=1 CLAIMTRACK_SCREENSHOTS=1 $(GO) test -count=1 ./internal/e2e -run TestScreenshots -v

## loadtest: the server under an open-loop mix at 1,000 req/s on 100k claims and 1M events (generated on first use), with the hello
## ceiling; readers pick claims by popularity (Zipf, s = 1), then uniformly for comparison (about 3½ minutes)
loadtest: build
	$(GO) run ./cmd/loadtest --bin $(BIN) --db data/loadtest.db

## cachetest: the server behind Debian's Varnish (installed when missing) on loopback with deploy/varnish/claimtrack.vcl:
## a viral claim reaches the app once per s-maxage, a verdict shows within it, signed-in pages are never cached; then the
## load test (Zipf picks) through Varnish
cachetest: build
	@command -v varnishd >/dev/null || { echo "installing varnish"; $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; }
	$(GO) run ./cmd/cachetest --bin $(BIN) --varnishd "$$(command -v varnishd)"
	$(GO) run ./cmd/loadtest --bin $(BIN) --db data/loadtest.db --picks zipf --varnish "$$(command -v varnishd)"

## outagecheck: the hostile-client checks against the real binary on a copy of the 100k claim database (run bench-data first)
outagecheck:
	CLAIMTRACK_SEARCH_CHECK_DB=$(CURDIR)/data/bench-100k.db CLAIMTRACK_EXPORT_LOAD_DB=$(CURDIR)/data/bench-100k.db \
		$(GO) test -count=1 -timeout 20m ./cmd/claimtrack -run 'TestSlowBodies_Binary|TestServe_HostileSearches|TestImportFlood_Binary|TestExportLoad' -v

## bench-data: generate the 100k and 1M claim databases the Performance figures come from
bench-data: build
	rm -f data/bench-100k.db* data/bench-1m.db*
	./$(BIN) gen --claims 100000 --db data/bench-100k.db --seed 1
	./$(BIN) gen --claims 1000000 --db data/bench-1m.db --seed 1

## bench: the search and reliability benchmarks on the generated databases (run bench-data first)
bench:
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-100k.db $(GO) test ./web -run '^$$' -bench 'Search$$' -benchtime 1000x -count 1
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-1m.db $(GO) test ./web -run '^$$' -bench 'Search$$' -benchtime 1000x -count 1
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-1m.db $(GO) test ./web -run '^$$' -bench SearchHostile -benchtime 3x -count 1
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-1m.db $(GO) test ./web -run '^$$' -bench SearchSpelling -benchtime 200x -count 1
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-1m.db $(GO) test ./web -run '^$$' -bench Reliability -benchtime 400x -count 1
	CLAIMTRACK_BENCH_DB=$(CURDIR)/data/bench-1m.db $(GO) test ./web -run '^$$' -bench History -benchtime 400x -count 1

## intake-eval: runs "claimtrack intake suggest" over the annotated development reports of
## $(INTAKE_SET) (../shared/intake beside the repo) against a freshly seeded database in a temporary
## directory, and scores the suggestions with the set's score.py; skipped with a message when the
## set is absent. Not part of make test.
INTAKE_SET ?= ../shared/intake
intake-eval: build
	@if [ ! -d "$(INTAKE_SET)/dev" ] || [ ! -f "$(INTAKE_SET)/score.py" ]; then \
		echo "intake-eval: skipped: no annotated set at $(INTAKE_SET) (dev/ and score.py)"; exit 0; fi; \
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	./$(BIN) seed --db "$$tmp/eval.db" >/dev/null && mkdir "$$tmp/out" && \
	for f in "$(INTAKE_SET)"/dev/*.txt; do \
		./$(BIN) intake suggest --db "$$tmp/eval.db" < "$$f" > "$$tmp/out/$$(basename "$$f" .txt).json" || exit 1; \
	done && \
	python3 "$(INTAKE_SET)/score.py" "$(INTAKE_SET)/dev" "$$tmp/out"

## check: go vet, gofmt, templ fmt, and generated files up to date
check: vet
	bash .ci/check-source

vet:
	$(GO) vet ./...

## fmt: format Go and templ sources in place
fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')
	$(GO) tool templ fmt web

clean:
	rm -rf bin
