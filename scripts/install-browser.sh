#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser end-to-end test, only if missing.
# CI machines start clean; developer machines that already have it pay nothing.
set -euo pipefail

BROWSER="${CHATMOD_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$BROWSER" ]]; then
  echo "chromium: $("$BROWSER" --version 2>/dev/null || echo "$BROWSER")"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
command -v apt-get >/dev/null || { echo "apt-get not found: install Chromium and set CHATMOD_CHROMIUM" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
"$BROWSER" --version
