#!/usr/bin/env bash
# Keeps the layout honest: only storage imports gorm and go-redis; only bot
# (channel adapters) and cmd import silenceper/wechat; domain packages
# (handlers/..., the root package) import no HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # package-pattern forbidden-import-regexp why
  for pkg in $(go list "$1" 2>/dev/null); do
    bad=$(go list -f '{{join .Imports "\n"}}' "$pkg" | grep -E "$2" || true)
    if [ -n "$bad" ]; then echo "$pkg imports $bad: $3"; fail=1; fi
  done
}
for pkg in $(go list ./... | grep -v -E '^unionbot/storage(/|$)'); do
  bad=$(go list -f '{{join .Imports "\n"}}' "$pkg" | grep -E '^(gorm.io/|github.com/redis/go-redis)' || true)
  [ -z "$bad" ] || { echo "$pkg imports $bad: only storage may"; fail=1; }
done
for pkg in $(go list ./... | grep -v -E '^unionbot/(bot|cmd)(/|$)'); do
  bad=$(go list -f '{{join .Imports "\n"}}' "$pkg" | grep -E '^github.com/silenceper/wechat' || true)
  [ -z "$bad" ] || { echo "$pkg imports $bad: only bot adapters and cmd may"; fail=1; }
done
check 'unionbot' '^net/http$' 'domain code knows no HTTP'
# handlers/announce/docx reads Word files (zip + XML): a document format,
# not the platforms' wire XML, so it alone may use encoding/xml there.
for pkg in $(go list ./handlers/... | grep -v -E '^unionbot/handlers/announce/docx(/|$)'); do
  bad=$(go list -f '{{join .Imports "\n"}}' "$pkg" | grep -E '^net/http$|^encoding/xml$' || true)
  [ -z "$bad" ] || { echo "$pkg imports $bad: domain code knows no HTTP or WeCom XML"; fail=1; }
done
check './bot' '^net/http$|^encoding/xml$' 'the conversation core knows no HTTP or WeCom XML'
check './metrics' '^net/http$|prometheus/promhttp' 'metrics defines the series; cmd serves them'
exit $fail
