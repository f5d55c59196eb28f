#!/usr/bin/python3
"""chunk-corpus.py -- build a JSON-lines corpus of real text from this
machine: /usr/share/doc files (gzip ones decompressed) and man pages
rendered to text with mandoc.  Usage: chunk-corpus.py MEGABYTES > out.jsonl
Files that are not valid UTF-8 or hold NUL bytes are skipped; the order is
sorted, so the corpus is the same run after run on the same machine."""
import gzip
import json
import os
import subprocess
import sys


def files(top):
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for name in sorted(names):
            yield os.path.join(root, name)


def text_of(path):
    try:
        if os.path.islink(path) or os.path.getsize(path) > 8 << 20:
            return None
        with open(path, 'rb') as f:
            data = f.read()
        if path.endswith('.gz'):
            data = gzip.decompress(data)
        if b'\0' in data:
            return None
        return data.decode('utf-8')
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return None


def man_text(path):
    try:
        out = subprocess.run(['mandoc', '-T', 'utf8', '-O', 'width=78', path],
                             capture_output=True, timeout=20).stdout
        # Drop overstrike (bold, underline) so that the text is plain.
        res = bytearray()
        for b in out:
            if b == 8 and res:
                res.pop()
            else:
                res.append(b)
        return bytes(res).decode('utf-8')
    except (OSError, UnicodeDecodeError, subprocess.TimeoutExpired):
        return None


def main():
    want = int(sys.argv[1]) << 20
    total = 0
    out = sys.stdout
    # A quarter of the corpus from rendered man pages, the rest from
    # /usr/share/doc (then man pages again if the docs run out).
    parts = [('man', want // 4, ['/usr/share/man/man1', '/usr/share/man/man8']),
             ('doc', want, ['/usr/share/doc']),
             ('man', want, ['/usr/share/man/man5', '/usr/share/man/man3'])]
    for kind, upto, tops in parts:
        for top in tops:
            for path in files(top):
                if total >= upto:
                    break
                text = text_of(path) if kind == 'doc' else man_text(path)
                if not text or not text.strip():
                    continue
                out.write(json.dumps({'id': path, 'text': text,
                                      'meta': {'source': path}},
                                     ensure_ascii=False) + '\n')
                total += len(text.encode('utf-8'))


main()
