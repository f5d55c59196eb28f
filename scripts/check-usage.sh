#!/bin/sh
# check-usage.sh -- each tool's usage text (the --help lines before the
# first blank line, "usage:" removed) must equal its manual page's
# SYNOPSIS, white space folded.
# Usage: scripts/check-usage.sh BUILD_DIR
set -eu
build=${1:-build}
status=0
bs=$(printf '\b')
fold() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
for exe in "$build"/etv "$build"/etv-*; do
	[ -x "$exe" ] || continue
	name=${exe##*/}
	page=man/$name.1
	if [ ! -f "$page" ]; then
		echo "check-usage: $name has no manual page $page" >&2
		status=1
		continue
	fi
	usage=$("$exe" --help | sed '/^$/q' | sed 's/^usage: //; s/^       //' |
	    fold)
	synopsis=$(mandoc -Tascii -O width=1000 "$page" |
	    sed "s/.$bs//g" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | fold)
	if [ "$usage" != "$synopsis" ]; then
		echo "check-usage: $name: usage and SYNOPSIS differ:" >&2
		echo "  usage:    $usage" >&2
		echo "  SYNOPSIS: $synopsis" >&2
		status=1
	fi
done
exit $status
