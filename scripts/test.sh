#!/usr/bin/env bash
# npm test — every test: lockfile check, typecheck, ESLint, unit tests, production build, Playwright
# e2e; the database tests (unit and e2e) run twice: on the embedded SQLite and on PostgreSQL (a
# throw-away cluster started for the run, SPEC §12).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

# Debian packages the tests need: Chromium for e2e, lighttpd as the independent server of the
# interop tests (Basic, Digest, TLS client certificates), PostgreSQL for the scale-out mode.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/lighttpd ] || missing+=(lighttpd lighttpd-mod-openssl)
[ -f /usr/lib/lighttpd/mod_openssl.so ] || missing+=(lighttpd-mod-openssl)
command -v openssl >/dev/null || missing+=(openssl) # test certificates
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
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

# One throw-away PostgreSQL cluster for the whole run (fsync off: nothing here must survive a
# power cut); every test file and e2e run makes a database of its own in it.
pg_dir=$(mktemp -d /tmp/patchbay-test-pg-XXXXXX)
trap 'npx tsx lib/testing/pg-cluster.ts stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
echo
echo "== PostgreSQL test cluster"
PATCHBAY_TEST_PG_URL=$(npx tsx lib/testing/pg-cluster.ts start "$pg_dir" --fast)
export PATCHBAY_TEST_PG_URL
echo "$PATCHBAY_TEST_PG_URL"

step "unit tests (SQLite)" npm run -s test:unit
step "unit tests (PostgreSQL)" npx tsx scripts/unit-tests.ts --postgres
step "build" npm run -s build
step "e2e (SQLite)" npm run -s test:e2e
step "e2e (PostgreSQL)" env PATCHBAY_E2E_PG_URL="$PATCHBAY_TEST_PG_URL" npm run -s test:e2e
step "multi-instance (PostgreSQL)" env NODE_ENV=test node --import tsx --conditions=react-server --test scripts/multi-instance.ts
