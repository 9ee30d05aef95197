#!/usr/bin/env bash
# The console test drives a real headless Chromium (Debian's chromium package) through
# playwright-core. Installs it with apt when it is missing; fails with the command otherwise.
# CHROMIUM_PATH, when set, names another Chromium binary and skips the install.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "chromium not found: installing Debian's chromium (needed by the console test)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "chromium not found. The console test needs it; install it with: sudo apt-get install -y chromium" >&2
exit 1
