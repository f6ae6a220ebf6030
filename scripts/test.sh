#!/usr/bin/env bash
# Runs every test of unionbot on a fresh Debian machine with only Go: starts
# MariaDB and Redis (installing them when missing), checks formatting, vet and
# the package boundaries, runs all tests with the race detector against the
# real servers, then each fuzz target briefly.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(bash scripts/services.sh)"
export UNIONBOT_TEST_MYSQL UNIONBOT_TEST_REDIS

echo "== chromium (console browser tests)"
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; then
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    echo "installing Debian's chromium and a CJK font with apt"
    { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } ||
      echo "could not install chromium: the console browser tests will be skipped"
  else
    echo "no root or sudo to install chromium: the console browser tests will be skipped"
  fi
fi
export UNIONBOT_SCREENSHOTS="${UNIONBOT_SCREENSHOTS:-$PWD/.screenshots}"
echo "console screenshots go to $UNIONBOT_SCREENSHOTS"

echo "== npm packages of the interop suite (interop/package-lock.json)"
if command -v npm >/dev/null; then
  (cd interop && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "npm is missing: TestInterop will fail (it runs Tencent's @wecom/crypto and node-webot's wechat-crypto under Node)"
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== package boundaries"
bash scripts/boundaries.sh

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

echo "== fuzz (briefly)"
# A count of inputs, not a time: with a time budget, Go 1.26's fuzzing
# coordinator can fail a target with "context deadline exceeded" when the
# budget ends while a worker is busy (golang/go#75804, fixed in Go 1.27).
fuzz() { go test -run '^$' -fuzz "^$2\$" -fuzztime "${FUZZTIME:-20000x}" -timeout 5m "$1"; }
while read -r pkg target; do
  [ -n "$pkg" ] && fuzz "$pkg" "$target"
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  for t in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | cut -d' ' -f2); do echo "./$(dirname "${f#./}") $t"; done
done)
echo "all tests passed"
