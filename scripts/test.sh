#!/usr/bin/env bash
# The project's test command (README): every package, race detector on.
# Installs the sandbox's Debian packages first when they are missing.
# Tests read the real benchmark files from ../shared/datasets
# (MEDMARKS_SHARED overrides the ../shared folder).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
bash scripts/deps.sh
exec go test -race -count=1 -timeout 30m ./... "$@"
