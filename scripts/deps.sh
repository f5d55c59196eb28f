#!/bin/sh
# deps.sh -- install the Debian packages etv needs to build and test.
# Usage: scripts/deps.sh [--bench]
# Idempotent: installs only what is missing.  As root it runs apt-get;
# otherwise it prints the exact command and exits 4.
set -eu

pkgs="gcc make pkg-config libc6-dev libjansson-dev libutf8proc-dev libcsv-dev
libxxhash-dev libpcre2-dev libcurl4-openssl-dev libsqlite3-dev bats
bats-support bats-assert mandoc python3 ca-certificates"
# clang and its sanitizer run-time libraries (a recommendation only, so
# named) build the sanitizer run: make check SANITIZE=1.
pkgs="$pkgs clang libclang-rt-dev"
# jq reads the JSON-lines output in the test suites.
pkgs="$pkgs jq"
# Benchmarks compare etv with the tools a user would otherwise pick.
bench="python3-sklearn python3-numpy python3-hnswlib python3-faiss
python3-jsonschema nodejs npm hyperfine"

[ "${1:-}" = --bench ] && pkgs="$pkgs $bench"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
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
# shellcheck disable=SC2086 # word splitting of the list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
