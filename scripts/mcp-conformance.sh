#!/usr/bin/env bash
# The official MCP conformance suite against withings-mcp over streamable HTTP.
#
# Two runs, each serving the built-in demo account on a free loopback port in a
# clean environment and running every server scenario of the pinned suite:
# - the shipped `withings-mcp`, against scripts/mcp-conformance/withings-mcp.yml,
#   which lists only the scenarios that call the suite's own fixtures by name;
# - the test-only example `withings-mcp-conformance` (the same command line with a
#   provider serving those fixtures), against with-fixtures.yml, which is empty.
# Either run fails on a failure or warning its baseline does not list, and on a
# listed scenario that passes. Each scenario's checks.json lands under
# target/mcp-conformance/<run>/.
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

cargo build --quiet -p delx-server --bin withings-mcp --example withings-mcp-conformance

# run NAME BINARY: serves the demo with BINARY and runs the suite against it with
# the baseline NAME.yml; results under $results/NAME.
run() {
    local name=$1 binary=$2 home server_log url status=0
    home=$(mktemp -d)
    server_log="$home/server.log"
    # A clean environment: no setting of the user's reaches the demo.
    env -i HOME="$home" PATH="$PATH" "$binary" demo --http --port 0 2>"$server_log" &
    local server=$!
    # shellcheck disable=SC2064 # expand now: the trap outlives this call's locals
    trap "kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf '$home'" EXIT

    url=""
    for _ in $(seq 1 300); do
        url=$(sed -n 's/.* listening on \(http:[^ ]*\)$/\1/p' "$server_log")
        [ -n "$url" ] && break
        if ! kill -0 "$server" 2>/dev/null; then
            echo "mcp-conformance ($name): the server did not start:" >&2
            cat "$server_log" >&2
            return 1
        fi
        sleep 0.1
    done
    if [ -z "$url" ]; then
        echo "mcp-conformance ($name): the server did not report its address within 30 s" >&2
        return 1
    fi

    echo "mcp-conformance: $name ($binary) against $here/$name.yml"
    "$here/node_modules/.bin/conformance" server --url "$url" --suite all \
        --expected-failures "$here/$name.yml" --output-dir "$results/$name" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "mcp-conformance ($name): unexpected results (see above and $results/$name); server log:" >&2
        cat "$server_log" >&2
    fi
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$home"
    trap - EXIT
    return "$status"
}

rm -rf "$results"
status=0
run withings-mcp target/debug/withings-mcp || status=$?
run with-fixtures target/debug/examples/withings-mcp-conformance || status=$?
exit "$status"
