#!/bin/sh
# extract.sh -- etv-extract against a Python (stdlib) document loader.
#
# Usage: scripts/bench/extract.sh BUILD_DIR [DIR]
#
# Reads a copy of DIR (default /usr/share/doc, compressed files left out)
# with
# etv-extract at -j 1 and -j 2, and with the loader a user would write in
# Python with the standard library alone: a sorted os.walk, hidden names
# skipped, NUL bytes skipped, UTF-8 with a Latin-1 fallback, html.parser
# for HTML (script and style dropped, <title> kept), the first '#' heading
# of Markdown, a 64-bit hash (blake2b: xxh3 is not in the standard
# library) and json.dumps per record.  `cat` of the same files is the
# floor.  Prints MB/s of input and the ratios.
set -eu

build=${1:?usage: extract.sh BUILD_DIR [DIR]}
tree=${2:-/usr/share/doc}
dir=$build/bench/extract
mkdir -p "$dir"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

now() {
	date +%s.%N
}

mbps() {
	# bytes, start, end -> MB/s
	awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / 1e6 / (b - a) }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'
}

cat >"$dir/loader.py" <<'PY'
import hashlib, json, os, sys
from html.parser import HTMLParser

class Text(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5",
             "h6", "pre", "ul", "ol", "table", "blockquote"}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.title, self.skip, self.in_title = [], None, 0, False
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag in self.BLOCK:
            self.out.append("\n")
    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag == "title":
            self.in_title = False
        elif tag in self.BLOCK:
            self.out.append("\n")
    def handle_data(self, data):
        if self.in_title:
            self.title = (self.title or "") + data
        elif not self.skip:
            self.out.append(data)

def extract(root):
    paths = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        for f in files:
            if not f.startswith("."):
                paths.append(os.path.join(d, f))
    rel = lambda p: os.path.relpath(p, root)
    for p in sorted(paths, key=lambda p: rel(p).encode()):
        if not os.path.isfile(p):
            continue
        with open(p, "rb") as fp:
            raw = fp.read()
        if b"\0" in raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        meta = {"path": p, "bytes": len(raw)}
        if p.endswith((".html", ".htm")):
            t = Text()
            t.feed(text)
            text = " ".join("".join(t.out).split(" "))
            meta["title"] = " ".join((t.title or "").split())
        elif p.endswith(".md"):
            for line in text.splitlines():
                if line.startswith("#"):
                    meta["title"] = line.lstrip("#").strip()
                    break
        h = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        sys.stdout.write(json.dumps({"id": rel(p), "text": text,
            "hash": "b2:" + h, "meta": meta}, ensure_ascii=False) + "\n")

extract(sys.argv[1])
PY

# A snapshot of the tree, so that every contender reads the same files
# even when packages are installed meanwhile.
snap=$dir/tree
if [ ! -d "$snap" ]; then
	mkdir -p "$snap.tmp"
	(cd "$tree" && tar -cf - --exclude='*.gz' .) | tar -C "$snap.tmp" -xf -
	mv "$snap.tmp" "$snap"
fi
tree=$snap
bytes=$(find "$tree" -type f -exec cat {} + | wc -c)
files=$(find "$tree" -type f | wc -l)
echo "extract: $files files, $bytes bytes (compressed files left out)"

# Warm the page cache so that every contender reads from memory.
find "$tree" -type f -exec cat {} + >/dev/null

t0=$(now)
find "$tree" -type f -exec cat {} + >/dev/null
t1=$(now)
cat_rate=$(mbps "$bytes" "$t0" "$t1")

t0=$(now)
"$build/etv-extract" -q --encoding latin1 "$tree" >"$dir/etv.jsonl" || true
t1=$(now)
etv1=$(mbps "$bytes" "$t0" "$t1")

t0=$(now)
"$build/etv-extract" -q -j 2 --encoding latin1 "$tree" >"$dir/etv2.jsonl" ||
    true
t1=$(now)
etv2=$(mbps "$bytes" "$t0" "$t1")
cmp -s "$dir/etv.jsonl" "$dir/etv2.jsonl" ||
    echo "extract: WARNING: -j 2 output differs from -j 1"

t0=$(now)
"$py" "$dir/loader.py" "$tree" >"$dir/py.jsonl"
t1=$(now)
pyr=$(mbps "$bytes" "$t0" "$t1")

echo "extract: cat (floor)         $cat_rate MB/s"
echo "extract: etv-extract -j 1    $etv1 MB/s"
echo "extract: etv-extract -j 2    $etv2 MB/s"
echo "extract: python3 stdlib      $pyr MB/s"
echo "extract: ratio etv -j 1 / python $(ratio "$etv1" "$pyr")x," \
    "etv -j 2 / python $(ratio "$etv2" "$pyr")x"
