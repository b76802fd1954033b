# The targets a newcomer guesses. The README's two commands are `make run`
# and `make test`.

.PHONY: run test test-all lint fuzz bench build demo

run:
	go run ./cmd/attendance serve

test:
	go test -race -timeout 20m ./...

# test-all turns on the PostgreSQL, RabbitMQ and browser tests against the
# services of this machine, as CI does.
test-all:
	ATTENDANCE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" \
	ATTENDANCE_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:5672/" \
	ATTENDANCE_TEST_CHROMIUM="$$(command -v chromium)" \
	ATTENDANCE_TEST_REQUIRE=1 \
	go test -race -timeout 20m ./...

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

fuzz:
	./.ci/fuzz

build:
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o attendance ./cmd/attendance

bench:
	./bench/run

demo:
	go run ./cmd/attendance demo --employees 200 --days 90
