# Claimtrack — `make run` serves the app, `make test` proves it.

ADDR    ?= 127.0.0.1:8080
DB      ?= ./data/claimtrack.db
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
BIN     := bin/claimtrack
LDFLAGS := -s -w -X main.version=$(VERSION)
# The race detector needs cgo; use it wherever a C compiler is there.
RACE    ?= $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v gcc >/dev/null && echo -race)

.PHONY: run build generate seed test check vet fmt clean

## run: build and serve on $(ADDR) with $(DB), created, migrated and seeded on first start
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

## build: compile the single binary into bin/
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/claimtrack

## generate: regenerate the templ components (*_templ.go, committed)
generate:
	$(GO) tool templ generate -path web

## seed: load the built-in datasets into $(DB) (idempotent)
seed: build
	./$(BIN) seed --db $(DB)

## test: static checks, then every test
test: check
	$(GO) test -count=1 $(RACE) ./...

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
