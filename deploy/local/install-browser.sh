#!/bin/sh
# Debian's Chromium for the browser tests (tests/browser). Idempotent: does nothing when it is there.
# Playwright drives this binary; never `playwright install`, which downloads a browser of its own.
set -eu

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-browser.sh: $CHROMIUM is missing; run me as root or install sudo" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine has empty package lists; refresh them only then, or when the first try fails.
if ! apt-cache show chromium >/dev/null 2>&1; then
    $as_root apt-get update -q
fi
if ! $as_root apt-get install -y -q --no-install-recommends chromium; then
    $as_root apt-get update -q
    $as_root apt-get install -y -q --no-install-recommends chromium
fi
[ -x "$CHROMIUM" ] || { echo "install-browser.sh: chromium installed but $CHROMIUM is missing" >&2; exit 1; }
