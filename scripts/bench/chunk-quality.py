#!/usr/bin/python3
"""chunk-quality.py -- quality figures of a chunker's output for
scripts/bench/chunk.sh.  Usage: chunk-quality.py SOURCE CHUNKS SIZE [SIZES]
SIZES, when given, is a file with one size per chunk line (exact token
counts); otherwise a chunk's size is its length in code points.
Prints: chunks, share ending on a sentence or paragraph boundary, chunks
over SIZE, mean fill (size / SIZE)."""
import json
import re
import sys

END = re.compile(r'[.!?\u3002\uff01\uff1f\u2026:]["\')\]\u201d\u2019*_]*\Z')
PARA = re.compile(r'[ \t\r]*\n[ \t\r]*\n|\s*\Z')


def main():
    src, out, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sizes = None
    if len(sys.argv) > 4:
        with open(sys.argv[4]) as f:
            sizes = [int(x) for x in f]
    docs = {}
    with open(src, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            docs[r['id']] = r['text']
    n = good = over = 0
    fill = 0.0
    cursor = {}
    with open(out, encoding='utf-8') as f:
        for i, line in enumerate(f):
            c = json.loads(line)
            text = c['text']
            src_text = docs[c['doc_id']]
            # Where the chunk ends in the source: found from the previous
            # chunk's start, as the chunks come in order.
            at = src_text.find(text, cursor.get(c['doc_id'], 0))
            if at < 0:
                at = src_text.find(text)
            cursor[c['doc_id']] = at + 1 if at >= 0 else 0
            end = at + len(text)
            size = sizes[i] if sizes is not None else len(text)
            n += 1
            t = text.rstrip()
            if END.search(t) or (at >= 0 and PARA.match(src_text, end)):
                good += 1
            if size > limit:
                over += 1
            fill += size / limit
    print('%d %.3f %d %.3f' % (n, good / max(n, 1), over, fill / max(n, 1)))


main()
