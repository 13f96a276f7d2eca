#!/usr/bin/env bash
# Audits the production dependencies against the npm advisory database: fails on any high or critical finding.
# Needs the registry (npm audit asks it); offline it fails with a message saying so, never passes silently.
# Usage: scripts/audit.sh [--json]   (exit 0 clean, 1 high/critical found, 2 could not audit)
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# --omit=dev: what ships; --audit-level makes npm's own exit code follow the threshold, the JSON gives the counts.
status=0
npm audit --omit=dev --json >"$out" 2>/dev/null || status=$?

if ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).metadata.vulnerabilities' "$out" >/dev/null 2>&1; then
  echo "audit.sh: npm audit could not get an answer from the registry (exit $status); is the network up?" >&2
  head -c 2000 "$out" >&2 || true
  exit 2
fi

[ "${1:-}" = --json ] && cat "$out"
node - "$out" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const v = r.metadata.vulnerabilities;
console.log(`npm audit --omit=dev: critical ${v.critical}, high ${v.high}, moderate ${v.moderate}, low ${v.low}, info ${v.info}`);
for (const [name, x] of Object.entries(r.vulnerabilities ?? {})) {
  if (x.severity === 'high' || x.severity === 'critical') console.log(`  ${x.severity}: ${name} ${x.range} (${[].concat(x.via).map((y) => y.title ?? y).join('; ')})`);
}
process.exit(v.high + v.critical > 0 ? 1 : 0);
JS
