#!/bin/sh
# demo.sh -- the sample pipeline over the project's own documentation,
# with the built-in defaults: nothing is downloaded.
# Usage: scripts/demo.sh BUILD_DIR
set -eu
build=${1:-build}
PATH="$(cd "$build" && pwd):$PATH"
export PATH
out=$build/demo
mkdir -p "$out"

echo "== etv extract README.md man/: one record per document"
etv extract README.md man >"$out/docs.jsonl"
etv extract -v README.md man 2>&1 >/dev/null | tail -n 1
# Show each document's id, size, type and title, one per line.
etv extract README.md man | sed -n \
    's/^{"id":"\([^"]*\)".*"bytes":\([0-9]*\).*"type":"\([^"]*\)","title":\("[^"]*"\|null\).*/  \1  \2 bytes  \3  \4/p'
