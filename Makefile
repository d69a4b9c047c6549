# PropertyPro — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
# Go 1.27.3: the standard library of 1.26.8 has known vulnerabilities (net/http, crypto/tls,
# html/template; `make security`). The go command fetches this toolchain from the module proxy
# once (about 76 MB) and uses it for every target; set GOTOOLCHAIN=local to opt out.
export GOTOOLCHAIN ?= go1.27.3
GO ?= go
FUNCTIONS := $(notdir $(patsubst %/,%,$(dir $(wildcard functions/*/main.go))))
LAMBDA_FLAGS := CGO_ENABLED=0 GOOS=linux GOARCH=arm64
BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags="-s -w"

.PHONY: test-fuzz e2e-local openapi fuzz-api run test test-go test-infra build build-host synth bench bench-coldstart emulator-start emulator-stop fmt vet clean help drill security deploy

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: ## Start the whole platform locally on http://127.0.0.1:8080 (Ctrl-C stops it).
	$(GO) run ./cmd/propertypro run

test: test-go test-fuzz test-infra ## Run every test (starts a private Postgres when TEST_DATABASE_URL is unset).

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The parsers of untrusted files get a short coverage-guided run on every test (FUZZTIME each;
# `go test` alone replays only the seed corpus). A finding is written under testdata/fuzz/.
FUZZTIME ?= 15s
test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReaders$$' -fuzztime $(FUZZTIME) ./shared/ingest/read
	$(GO) test -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME) ./shared/document
	$(GO) test -run '^$$' -fuzz '^FuzzJSONStrings$$' -fuzztime $(FUZZTIME) ./shared/ingest

test-infra:
	cd infra && $(GO) vet ./... && $(GO) test -count=1 ./...

build: ## Build build/<function>/bootstrap for every function (linux/arm64, for Lambda).
	@for f in $(FUNCTIONS); do \
	  echo "build/$$f/bootstrap"; \
	  $(LAMBDA_FLAGS) $(GO) build $(BUILD_FLAGS) -o build/$$f/bootstrap ./functions/$$f || exit 1; \
	done

build-host: ## Build every function for this machine (for aws-lambda-rie) into build/host/<function>.
	@for f in $(FUNCTIONS); do \
	  CGO_ENABLED=0 $(GO) build $(BUILD_FLAGS) -o build/host/$$f ./functions/$$f || exit 1; \
	done

synth: build ## Write cdk.out/ (ENV=dev|staging|prod, default dev).
	cd infra && $(GO) run . -c env=$${ENV:-dev}

bench-coldstart: ## Cold start of /health/ready under aws-lambda-rie vs a hello-world Lambda.
	$(GO) run ./bench/coldstart

bench-listings: ## Listing search over 100,000 listings: p50/p99 through the handler, req/s over loopback.
	$(GO) run ./bench/listings

bench-ingest: ## Ingestion of 1,000,000 simulated transactions (BENCH_INGEST_ROWS) vs psql \copy of the same CSV: rows/s, ratio, peak MB.
	$(GO) run ./bench/ingest

bench-knowledge: ## Assistant: retrieval top-5 over 100,000 vectors, chat round trip (offline), recall@5 of testdata/questions.
	$(GO) run ./bench/knowledge

bench-nurture: ## Nurture: due finder over 1,000,000 enrollments with 10,000 due; send path messages/s with a fake provider.
	NURTURE_BENCH=1 $(GO) test -count=1 -timeout 30m -run TestNurtureFigures -v ./shared/postgres/nurturestore/ | grep -E 'target|MB|load|FAIL|^ok'

bench: bench-coldstart bench-listings bench-ingest bench-knowledge bench-nurture ## Run every benchmark and print figures with their ratios.

drill: ## Restore drill: dump a database of DRILL_ROWS (default 1,000,000) deals, restore it fresh, verify counts and checksums, report the time.
	scripts/drill.sh

security: ## Security gates: secret scan, govulncheck, gosec, and the gates' own tests (planted secret, redaction leak).
	scripts/security.sh

deploy: build ## Deploy ENV=dev|staging|prod with the CDK CLI (AWS credentials required; zip-packaged Lambdas from build/).
	@test -n "$(ENV)" || { echo "make deploy ENV=dev|staging|prod"; exit 2; }
	npx --yes aws-cdk@2 deploy --all -c env=$(ENV) --require-approval $(if $(filter prod,$(ENV)),broadening,never)

openapi: ## Regenerate shared/api/openapi.json from the code (a test fails when it is stale).
	$(GO) run ./cmd/propertypro openapi --out shared/api/openapi.json

e2e-local: ## The brokerage-day scenario against a fresh `propertypro run` over HTTP.
	scripts/e2e-local.sh

fuzz-api: ## schemathesis against /openapi.json of a fresh local platform (FUZZ_MAX_TIME seconds).
	scripts/schemathesis.sh

emulator-start: ## Start the AWS emulator (moto) on 127.0.0.1:4566 and create buckets and queues.
	localstack/moto.sh start

emulator-stop:
	localstack/moto.sh stop

fmt:
	gofmt -w $$(git ls-files '*.go')

clean: ## Remove build outputs (keeps .local/ data).
	rm -rf build cdk.out
