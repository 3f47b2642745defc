#!/usr/bin/env bash
# npm test — every test: lockfile check, typecheck, ESLint, unit tests, production build, Playwright e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the e2e tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The e2e tests need Debian's Chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
[ -d node_modules ] || npm ci

step() {
  local name=$1
  shift
  echo
  echo "== $name"
  "$@"
}
step "lockfile" node scripts/fix-lockfile.mjs --check
step "typecheck" npm run -s typecheck
step "lint" npm run -s lint
step "unit tests" npm run -s test:unit
step "build" npm run -s build
step "e2e" npm run -s test:e2e
