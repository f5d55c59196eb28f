#!/bin/sh
# deps.sh -- install the Debian packages etv needs to build and test.
# Usage: scripts/deps.sh [--bench] [--dry-run]
# Idempotent: installs only what is missing.  A package counts as present
# when dpkg has it installed or, for the benchmark tools, when what it
# provides is already there however it was installed: the command on PATH
# (node, npm, hyperfine) or the module in /usr/bin/python3.  Node.js from
# NodeSource brings its own npm, which Debian's npm package conflicts with.
# As root it runs apt-get; otherwise it prints the exact command and exits 4.
# A package apt cannot install is named and the others are installed all
# the same; the status is then 4.  --dry-run prints the packages that would
# be installed, one a line, says on stderr why the others are left alone,
# and exits 0.
set -eu

pkgs="gcc make pkg-config libc6-dev libjansson-dev libutf8proc-dev libcsv-dev
libxxhash-dev libpcre2-dev libcurl4-openssl-dev libsqlite3-dev libstemmer-dev bats
bats-support bats-assert mandoc python3 ca-certificates"
# clang and its sanitizer run-time libraries (a recommendation only, so
# named) build the sanitizer run: make check SANITIZE=1.
pkgs="$pkgs clang libclang-rt-dev"
# jq reads the JSON-lines output in the test suites; GNU parallel runs
# the staged dedupe as a user would shard it.
pkgs="$pkgs jq parallel"
# Benchmarks compare etv with the tools a user would otherwise pick.
bench="python3-sklearn python3-numpy python3-scipy python3-hnswlib
python3-faiss python3-jsonschema python3-jellyfish python3-xapian
libopenblas0-pthread nodejs npm hyperfine"

dry=0
for a in "$@"; do
	case $a in
	--bench) pkgs="$pkgs $bench" ;;
	--dry-run) dry=1 ;;
	*)
		echo "usage: scripts/deps.sh [--bench] [--dry-run]" >&2
		exit 2
		;;
	esac
done

# The Python the benchmarks run (not a pyenv or virtualenv on PATH).
py=/usr/bin/python3

note() {
	[ "$dry" -eq 1 ] && echo "deps.sh: $*" >&2
	return 0
}

installed() {
	case $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) in
	*"ok installed") return 0 ;;
	esac
	return 1
}

# have CMD: CMD is on PATH; say where.
have() {
	w=$(command -v "$1" 2>/dev/null) || return 1
	note "$1 found at $w: not asking apt for it"
}

pymod() {
	[ -x "$py" ] && "$py" -c "import $1" 2>/dev/null || return 1
	note "$py imports $1: not asking apt for it"
}

# present PKG: PKG, or what it provides, is already on this machine.
present() {
	installed "$1" && return 0
	case $1 in
	nodejs) have node || have nodejs ;;
	npm | hyperfine) have "$1" ;;
	python3-sklearn) pymod sklearn ;;
	python3-numpy) pymod numpy ;;
	python3-scipy) pymod scipy ;;
	python3-hnswlib) pymod hnswlib ;;
	python3-faiss) pymod faiss ;;
	python3-jsonschema) pymod jsonschema ;;
	python3-jellyfish) pymod jellyfish ;;
	python3-xapian) pymod xapian ;;
	*) return 1 ;;
	esac
}

missing=
for p in $pkgs; do
	present "$p" || missing="$missing $p"
done
if [ "$dry" -eq 1 ]; then
	for p in $missing; do
		echo "$p"
	done
	[ -n "$missing" ] || note "nothing to install"
	exit 0
fi
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages; run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 4
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true

# apt-get installs all or nothing: one package it cannot have (not in the
# archive, or conflicting with what is installed) would stop the rest.
# Try them all at once, then, if that fails, one at a time, and name those
# that still fail.
# shellcheck disable=SC2086 # word splitting of the list is intended
if apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1
then
	exit 0
fi
failed=
for p in $missing; do
	if ! out=$(apt-get install -y -qq --no-install-recommends "$p" 2>&1)
	then
		failed="$failed $p"
		echo "deps.sh: apt-get cannot install $p:" >&2
		printf '%s\n' "$out" | while IFS= read -r l; do
			case $l in
			"E: "*) echo "  ${l#E: }" >&2 ;;
			esac
		done
	fi
done
if [ -n "$failed" ]; then
	echo "deps.sh: not installed:$failed (the others are)" >&2
	exit 4
fi
