#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs the pinned external MCP
# clients (Python SDK in .venv, MCP Inspector under server/tests/inspector), runs
# every Rust test with those clients required rather than skipped, then the
# official MCP conformance suite over HTTP (scripts/mcp-conformance.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r server/tests/python/requirements.txt
npm ci --prefix server/tests/inspector --no-audit --no-fund --loglevel=error

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
DELX_REQUIRE_CLIENTS=1 DELX_PYTHON="$PWD/.venv/bin/python" cargo test --workspace "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run: cargo prints a result per test binary, and
# the last of those is usually the (empty) doc-test run.
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "total: %d passed, %d failed\n", passed, failed }' "$log"

conformance=0
./scripts/mcp-conformance.sh || conformance=$?
if [ "$conformance" -eq 0 ]; then
    echo "mcp conformance: every server scenario as expected"
else
    echo "mcp conformance: FAILED"
    [ "$status" -ne 0 ] || status=$conformance
fi
exit "$status"
