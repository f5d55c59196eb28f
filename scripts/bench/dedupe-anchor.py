#!/usr/bin/python3
"""dedupe-anchor.py -- near-duplicate clusters the way a datasketch user
gets them: MinHash + MinHashLSH, candidates joined by union-find.

Usage: dedupe-anchor.py [-t THRESHOLD] [-n NUM_PERM] [--index-bytes] DOCS

Reads JSON-lines with "id" and "text", writes one line per document,
{"id", "dup_cluster"}, in input order (dup_cluster is the id of the
earliest document of the cluster).  With --index-bytes it writes nothing
but the bytes per record that the LSH index holds, measured with
tracemalloc while the signatures, computed before, are inserted.

datasketch (ekzhu/datasketch, 1.x) has no Debian package and no other
package registry than Debian's and npm's can be reached here, so this
script re-implements its published algorithm, with numpy and
scipy.integrate.quad as datasketch uses them:
- MinHash: sha1_hash32 of each shingle's UTF-8 bytes (the first 4 bytes
  of SHA-1, little-endian); num_perm pairs (a, b) drawn by
  np.random.RandomState(seed=1), for each permutation a =
  randint(1, 2^61-1) then b = randint(0, 2^61-1), dtype uint64; hash value
  ((a*h + b) mod (2^61-1)) & (2^32-1), in uint64 arithmetic that wraps as
  datasketch's does; the signature is the minimum over the shingles,
  started at 2^32-1, computed by update_batch's vectorised path.  The
  permutations are drawn once and shared, as MinHash.bulk/generator and
  text-dedup do (a new MinHash() per document would draw them again).
- MinHashLSH: bands b and rows r from _optimal_param (every b in
  1..num_perm and r in 1..num_perm/b; minimise 0.5 * the false-positive
  area (integral of 1-(1-s^r)^b over [0, t]) + 0.5 * the false-negative
  area (integral of (1-s^r)^b over [t, 1]), first minimum kept); band i
  is hashvalues[i*r:(i+1)*r], its key the bytes of the byte-swapped
  array; a dict of sets per band and a dict of keys to their band keys
  (datasketch's dict storage).
- Each document queries the index, then is inserted (query-then-insert).
  Candidates are not verified (datasketch returns them unverified; its
  users call jaccard() or not); clusters are the connected components of
  the candidate pairs, by union-find, as text-dedup does.
Shingles are those of the benchmark's truth: 5 words of the text after
NFKC, case folding and white space collapsing (fewer than 5 words: one
shingle of all of them)."""
import hashlib
import json
import struct
import sys
import unicodedata
from collections import defaultdict

import numpy as np
from scipy.integrate import quad as integrate

_mersenne_prime = np.uint64((1 << 61) - 1)
_max_hash = np.uint64((1 << 32) - 1)
NGRAM = 5


def sha1_hash32(data):
    return struct.unpack('<I', hashlib.sha1(data).digest()[:4])[0]


def shingles(text):
    w = unicodedata.normalize('NFKC', text).casefold().split()
    if len(w) < NGRAM:
        return {' '.join(w)}
    return {' '.join(w[i:i + NGRAM]) for i in range(len(w) - NGRAM + 1)}


def permutations(num_perm, seed=1):
    gen = np.random.RandomState(seed)
    return np.array([(gen.randint(1, _mersenne_prime, dtype=np.uint64),
                      gen.randint(0, _mersenne_prime, dtype=np.uint64))
                     for _ in range(num_perm)], dtype=np.uint64).T


def minhash(items, perms):
    """MinHash(permutations=perms).update_batch(items).hashvalues"""
    hashvalues = np.ones(perms.shape[1], dtype=np.uint64) * _max_hash
    hv_list = [sha1_hash32(b) for b in items]
    if not hv_list:
        return hashvalues
    a, b = perms
    hv = np.array(hv_list, dtype=np.uint64).reshape(-1, 1)
    phv = ((hv * a + b) % _mersenne_prime) & _max_hash
    return np.minimum(hashvalues, phv.min(axis=0))


def _false_positive_probability(threshold, b, r):
    def _probability(s):
        return 1 - (1 - s ** float(r)) ** float(b)
    a, _ = integrate(_probability, 0.0, threshold)
    return a


def _false_negative_probability(threshold, b, r):
    def _probability(s):
        return 1 - (1 - (1 - s ** float(r)) ** float(b))
    a, _ = integrate(_probability, threshold, 1.0)
    return a


def _optimal_param(threshold, num_perm, fp_weight, fn_weight):
    min_error = float('inf')
    opt = (0, 0)
    for b in range(1, num_perm + 1):
        max_r = int(num_perm / b)
        for r in range(1, max_r + 1):
            fp = _false_positive_probability(threshold, b, r)
            fn = _false_negative_probability(threshold, b, r)
            error = fp * fp_weight + fn * fn_weight
            if error < min_error:
                min_error = error
                opt = (b, r)
    return opt


class MinHashLSH:
    def __init__(self, threshold, num_perm):
        self.h = num_perm
        self.b, self.r = _optimal_param(threshold, num_perm, 0.5, 0.5)
        if self.b < 2:
            raise ValueError('The number of bands are too small (b < 2)')
        self.hashtables = [defaultdict(set) for _ in range(self.b)]
        self.hashranges = [(i * self.r, (i + 1) * self.r)
                           for i in range(self.b)]
        self.keys = defaultdict(list)

    @staticmethod
    def _H(hs):
        return bytes(hs.byteswap().data)

    def insert(self, key, hashvalues):
        if key in self.keys:
            raise ValueError('The given key already exists')
        Hs = [self._H(hashvalues[s:e]) for s, e in self.hashranges]
        self.keys[key].extend(Hs)
        for H, table in zip(Hs, self.hashtables):
            table[H].add(key)

    def query(self, hashvalues):
        candidates = set()
        for (s, e), table in zip(self.hashranges, self.hashtables):
            H = self._H(hashvalues[s:e])
            candidates.update(table.get(H, set()))
        return list(candidates)


def find(p, x):
    while p[x] != x:
        p[x] = p[p[x]]
        x = p[x]
    return x


def main():
    args = sys.argv[1:]
    t, n, index_bytes = 0.8, 128, False
    while args and args[0].startswith('-'):
        o = args.pop(0)
        if o == '-t':
            t = float(args.pop(0))
        elif o == '-n':
            n = int(args.pop(0))
        elif o == '--index-bytes':
            index_bytes = True
        else:
            sys.exit(__doc__.split('\n\n')[1])
    if len(args) != 1:
        sys.exit(__doc__.split('\n\n')[1])
    perms = permutations(n)
    lsh = MinHashLSH(t, n)
    ids = []
    if index_bytes:
        import tracemalloc
        sigs = []
        with open(args[0], encoding='utf-8') as f:
            for line in f:
                r = json.loads(line)
                ids.append(r['id'])
                sigs.append(minhash({s.encode('utf-8') for s in
                                     shingles(r['text'])}, perms))
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for i, hv in enumerate(sigs):
            lsh.insert(i, hv)
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        print('%.0f' % (used / len(ids)))
        return
    parent = []
    with open(args[0], encoding='utf-8') as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            ids.append(r['id'])
            parent.append(i)
            hv = minhash({s.encode('utf-8') for s in shingles(r['text'])},
                         perms)
            for c in lsh.query(hv):
                x, y = find(parent, i), find(parent, c)
                if x != y:
                    parent[max(x, y)] = min(x, y)
            lsh.insert(i, hv)
    out = sys.stdout
    for i, x in enumerate(ids):
        out.write(json.dumps({'id': x, 'dup_cluster': ids[find(parent, i)]},
                             ensure_ascii=False) + '\n')
    print('dedupe-anchor.py: threshold %g, num_perm %d: %d bands of %d '
          'rows' % (t, n, lsh.b, lsh.r), file=sys.stderr)


main()
