#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian packages as root, node modules), type-checks, then node --test.
# Usage: scripts/test.sh [unit|e2e|all] (default all). Needs root for the e2e part (network namespaces, QEMU).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

if [ "$(id -u)" = 0 ] && [ "${STAGE0_SKIP_APT:-0}" != 1 ]; then
  bash scripts/install-test-deps.sh
fi
if [ ! -d node_modules/better-sqlite3/build ] || [ ! -d node_modules/tsx ]; then
  npm ci --prefer-offline --no-fund --no-audit
elif bash scripts/native-stale.sh; then
  # Only our addons are missing: rebuild them, never `npm ci` (it empties node_modules first, and fails offline).
  npm run --silent postinstall
fi

npx tsc --noEmit -p .

unit=$(find src test -name '*.test.ts' -not -path 'test/e2e/*' | sort)
e2e=$(find test/e2e -name '*.test.ts' 2>/dev/null | sort || true)
files=()
case "$what" in
  unit) files=($unit) ;;
  e2e) files=($e2e) ;;
  all) files=($unit $e2e) ;;
  *) echo "usage: $0 [unit|e2e|all]" >&2; exit 2 ;;
esac
exec node --import tsx --no-warnings=ExperimentalWarning --test --test-concurrency="${STAGE0_TEST_CONCURRENCY:-2}" \
  --test-reporter=spec "${files[@]}"
