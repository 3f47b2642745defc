#!/usr/bin/env bash
# npm test — every test: lockfile check, typecheck, ESLint, unit tests, production build, Playwright e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

# Debian packages the tests need: Chromium for e2e, lighttpd as the independent server of the
# interop tests (Basic, Digest, TLS client certificates).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/lighttpd ] || missing+=(lighttpd lighttpd-mod-openssl)
[ -f /usr/lib/lighttpd/mod_openssl.so ] || missing+=(lighttpd-mod-openssl)
command -v openssl >/dev/null || missing+=(openssl) # test certificates
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need these Debian packages: sudo apt-get install -y ${missing[*]}" >&2
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
