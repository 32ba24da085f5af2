#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing:
# bubblewrap and Debian's Python with numpy and scipy (the sandbox runs
# /usr/bin/python3). Needs root or sudo; prints what to install otherwise.
set -euo pipefail
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
/usr/bin/python3 -c 'import numpy, scipy' >/dev/null 2>&1 || need+=(python3 python3-numpy python3-scipy)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
