#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each (default 3s).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
fuzztime="${1:-3s}"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
  for t in $targets; do
    echo "fuzz $pkg $t"
    go test -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" "$pkg"
  done
done
