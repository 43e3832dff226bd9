#!/usr/bin/env bash
# The official MCP conformance suite against withings-mcp over streamable HTTP.
#
# Builds the test-only example `withings-mcp-conformance` (the real command line
# with the Withings provider plus a provider serving the suite's fixtures), serves
# the built-in demo account on a free loopback port, and runs every server
# scenario of the pinned suite. Fails on any failure or warning not listed in
# scripts/mcp-conformance/expected-failures.yml, and on a listed scenario that now
# passes. Each scenario's checks.json lands under target/mcp-conformance/.
set -euo pipefail
cd "$(dirname "$0")/.."
here=scripts/mcp-conformance
results=target/mcp-conformance

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error

# 0.1.16 imports globSync from node:fs, which exists only from Node 22. On older
# Node, take it from the pinned glob@10 instead. The patch must apply exactly:
# a different build of the suite stops here rather than failing obscurely.
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
    node - "$suite" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const from = 'import{existsSync as a,globSync as o,mkdtempSync as s,promises as c,readFileSync as l}from"fs";';
const to = 'import{existsSync as a,mkdtempSync as s,promises as c,readFileSync as l}from"fs";import{globSync as o}from"glob";';
const text = fs.readFileSync(file, "utf8");
if (!text.includes(from)) {
    console.error(`mcp-conformance: the Node 20 shim no longer matches ${file}; update scripts/mcp-conformance.sh`);
    process.exit(1);
}
fs.writeFileSync(file, text.replace(from, to));
JS
fi

cargo build --quiet -p delx-server --example withings-mcp-conformance

home=$(mktemp -d)
server_log="$home/server.log"
# A clean environment: no setting of the user's reaches the demo.
env -i HOME="$home" PATH="$PATH" target/debug/examples/withings-mcp-conformance \
    demo --http --port 0 2>"$server_log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$home"' EXIT

url=""
for _ in $(seq 1 300); do
    url=$(sed -n 's/.* listening on \(http:[^ ]*\)$/\1/p' "$server_log")
    [ -n "$url" ] && break
    if ! kill -0 "$server" 2>/dev/null; then
        echo "mcp-conformance: the server did not start:" >&2
        cat "$server_log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "mcp-conformance: the server did not report its address within 30 s" >&2
    exit 1
fi

rm -rf "$results"
status=0
"$here/node_modules/.bin/conformance" server --url "$url" --suite all \
    --expected-failures "$here/expected-failures.yml" --output-dir "$results" || status=$?
if [ "$status" -ne 0 ]; then
    echo "mcp-conformance: unexpected results (see above and $results); server log:" >&2
    cat "$server_log" >&2
fi
exit "$status"
