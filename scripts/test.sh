#!/usr/bin/env bash
# The project's test command (README): every package, race detector on.
# Tests read the real benchmark files from ../shared/datasets
# (MEDMARKS_SHARED overrides the ../shared folder).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
exec go test -race -count=1 -timeout 20m ./... "$@"
