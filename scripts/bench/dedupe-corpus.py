#!/usr/bin/python3
"""dedupe-corpus.py -- a labelled near-duplicate corpus of real text from
this machine, and the scorer of a deduplication against it.

Usage:
  dedupe-corpus.py make OUTDIR [ORIGINALS [SEED]]
  dedupe-corpus.py score OUTDIR RESULT.jsonl THRESHOLD

make writes OUTDIR/docs.jsonl ({"id", "text"}, in a shuffled order),
OUTDIR/truth.jsonl, OUTDIR/meta.jsonl and OUTDIR/summary.txt (one line of
counts).  ORIGINALS (default 2000) is the
number of original documents; the corpus holds about 2.8 times as many
documents.  Python's standard library only; the same machine, ORIGINALS
and SEED (default 1) give the same corpus byte for byte.

Originals are pieces of 1 to 4 KB cut at line ends from the head of real
files: /usr/share/doc/*/copyright, changelogs and READMEs, and man pages
rendered with mandoc -Tascii (in a sorted order, a few pieces at most per
file; a piece whose Jaccard to one taken before is 0.4 or more is left
out, so that the originals are distinct documents).  Each original
gets 0 to 3 copies, each made by one to three kinds of edit (word
insertions, deletions, substitutions, typos, moved sentences, reflowed
white space, boilerplate header and footer, truncation, case and
punctuation changes, compatibility characters that NFKC folds), with an
intensity searched so that the copy's true Jaccard to its original falls
near a target drawn uniformly from [0.3, 1] (a sixth of the copies only
change what normalisation removes, so their Jaccard is 1).  Hard
negatives are groups of 2 to 4 documents of different content (pieces
kept apart from the originals) that share a block of boilerplate: a
licence text from /usr/share/common-licenses, or a site header and
footer, sized so that the shared part gives a Jaccard between group
members drawn from [0.15, 0.65].

The similarity is the Jaccard index of sets of 5-word shingles of the
normalised text (NFKC, then case folding, then white space collapsed:
words are the runs between white space; a text of fewer than 5 words is
one shingle of all its words).

truth.jsonl holds every pair of documents of the corpus whose true
Jaccard is at least FLOOR (0.4), as {"a", "b", "jaccard"} (a before b in
docs.jsonl, Jaccard to 6 decimals).  It is exact over all pairs, not only
over the pairs the generator made: an all-pairs similarity join with
prefix filtering (tokens in increasing order of document frequency, a
prefix of |x| - ceil(FLOOR |x|) + 1 tokens; a pair at or above FLOOR
always shares a prefix token), every candidate verified on the sets.  So
real near-duplicates between originals (two packages with the same
copyright file) are in the truth as well.  meta.jsonl tells for each
document how it was made ({"id", "kind", "origin", "edits",
"jaccard_to_origin"}), for diagnosis only: the truth is truth.jsonl.

score reads a result (JSON-lines with "id" and "dup_cluster", one line per
document of the corpus) and prints one line:
  P R F1 TRUEPAIRS PREDPAIRS R[.4,.5) R[.5,.6) ... R[.9,1) R[1]
The true clustering at threshold T is the connected components of the
graph of pairs with true Jaccard >= T (the clusters an exact all-pairs
deduplication with union-find finds); predicted pairs are the pairs of
documents in the same result cluster, true pairs the pairs in the same
true component; precision = common pairs / predicted pairs, recall =
common pairs / true pairs (pair counting, as for comparing two
partitions).  R[lo,hi) is the share of the truth pairs whose Jaccard is in
[lo, hi) that the result puts in one cluster, whatever T: below T it is
how often the tool joins pairs it should not join directly, above T its
recall on them; R[1] is for pairs equal after normalisation."""
import gzip
import json
import math
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict

NGRAM = 5
FLOOR = 0.4
BINS = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def words_of(text):
    return unicodedata.normalize('NFKC', text).casefold().split()


def shingles(text):
    w = words_of(text)
    if len(w) < NGRAM:
        return {' '.join(w)}
    return {' '.join(w[i:i + NGRAM]) for i in range(len(w) - NGRAM + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


# Sources.

def read_text(path):
    try:
        if os.path.islink(path) or os.path.getsize(path) > 4 << 20:
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
        out = subprocess.run(['mandoc', '-T', 'ascii', '-O', 'width=78',
                              path], capture_output=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    res = bytearray()
    for b in out:
        if b == 8 and res:
            res.pop()
        else:
            res.append(b)
    try:
        return bytes(res).decode('utf-8')
    except UnicodeDecodeError:
        return None


def source_lists():
    """Four sorted lists of (kind, path), one per kind of text."""
    doc = '/usr/share/doc'
    pk = sorted(os.listdir(doc)) if os.path.isdir(doc) else []
    cp, cl, rd = [], [], []
    for p in pk:
        d = os.path.join(doc, p)
        if os.path.islink(d) or not os.path.isdir(d):
            continue
        names = sorted(os.listdir(d))
        for n in names:
            f = os.path.join(d, n)
            if n == 'copyright':
                cp.append(('doc', f))
            elif n.startswith('changelog') or n.startswith('NEWS'):
                cl.append(('doc', f))
            elif n.upper().startswith('README'):
                rd.append(('doc', f))
    man = []
    for sec in ('man1', 'man8', 'man5', 'man3', 'man7'):
        d = os.path.join('/usr/share/man', sec)
        if os.path.isdir(d):
            man += [('man', os.path.join(d, n)) for n in sorted(os.listdir(d))]
    return [cp, cl, rd, man]


def pieces(text, rng, most):
    """Up to MOST successive pieces of 1 to 4 KB cut at line ends."""
    lines = text.replace('\r\n', '\n').split('\n')
    out, cur, size = [], [], 0
    want = rng.randint(1024, 4096)
    for ln in lines:
        cur.append(ln)
        size += len(ln.encode('utf-8')) + 1
        if size >= want:
            t = '\n'.join(cur).strip('\n')
            if len(t.split()) >= 60 and size <= 4096 + 1024:
                out.append(t)
            cur, size = [], 0
            want = rng.randint(1024, 4096)
            if len(out) >= most:
                break
    if len(out) < most and size >= 1024 and len(' '.join(cur).split()) >= 60:
        out.append('\n'.join(cur).strip('\n'))
    return out


def gather(need, rng):
    """NEED pieces of real text, taken round-robin from the kinds."""
    lists = source_lists()
    pos = [0] * len(lists)
    out, seen = [], set()
    # Shingle -> pieces kept: a piece with a Jaccard of FLOOR or more to
    # one kept before (the same licence in sibling packages' copyright
    # files) is left out, so that the originals are distinct documents
    # and the near-duplicates are the ones made here.
    post = defaultdict(list)
    sizes = []
    while len(out) < need:
        moved = False
        for k, lst in enumerate(lists):
            while pos[k] < len(lst):
                kind, path = lst[pos[k]]
                pos[k] += 1
                text = read_text(path) if kind == 'doc' else man_text(path)
                if not text:
                    continue
                got = False
                for p in pieces(text, rng, 3 if kind == 'man' else 2):
                    key = ' '.join(words_of(p))
                    if key in seen:
                        continue
                    seen.add(key)
                    sh = shingles(p)
                    common = defaultdict(int)
                    for x in sh:
                        for j in post.get(x, ()):
                            common[j] += 1
                    if any(c >= FLOOR * (len(sh) + sizes[j] - c)
                           for j, c in common.items()):
                        continue
                    for x in sh:
                        post[x].append(len(sizes))
                    sizes.append(len(sh))
                    out.append((path, p))
                    got = True
                if got:
                    moved = True
                    break
            if len(out) >= need:
                break
        if not moved:
            break
    if len(out) < need:
        sys.exit('dedupe-corpus.py: only %d pieces of text found, %d '
                 'wanted' % (len(out), need))
    return out[:need]


# Edits.  Each takes the text, a rate in [0, 1] and a random generator
# and returns the edited text.

TOKEN = re.compile(r'\S+|\s+')


def tokens(text):
    return TOKEN.findall(text)


def word_idx(toks):
    return [i for i, t in enumerate(toks) if not t.isspace()]


def e_insert(text, r, rng, vocab):
    toks = tokens(text)
    for i in sorted(rng.sample(word_idx(toks), k=max(1, int(
            r * 0.3 * len(word_idx(toks))))), reverse=True):
        toks[i:i] = [rng.choice(vocab), ' ']
    return ''.join(toks)


def e_delete(text, r, rng, vocab):
    toks = tokens(text)
    wi = word_idx(toks)
    for i in rng.sample(wi, k=min(len(wi) - 5, int(r * 0.3 * len(wi)) + 1)):
        toks[i] = ''
    return ''.join(toks)


def e_substitute(text, r, rng, vocab):
    toks = tokens(text)
    wi = word_idx(toks)
    for i in rng.sample(wi, k=int(r * 0.3 * len(wi)) + 1):
        toks[i] = rng.choice(vocab)
    return ''.join(toks)


def typo(w, rng):
    if len(w) < 2:
        return w + rng.choice('aeiou')
    i = rng.randrange(len(w) - 1)
    op = rng.randrange(3)
    if op == 0:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if op == 1:
        return w[:i] + w[i + 1:]
    return w[:i] + rng.choice('etaoinshrdlu') + w[i + 1:]


def e_typos(text, r, rng, vocab):
    toks = tokens(text)
    wi = word_idx(toks)
    for i in rng.sample(wi, k=int(r * 0.3 * len(wi)) + 1):
        toks[i] = typo(toks[i], rng)
    return ''.join(toks)


SENT = re.compile(r'(?<=[.!?:;])\s+|\n')


def e_move(text, r, rng, vocab):
    s = [x for x in SENT.split(text) if x and x.strip()]
    if len(s) < 3:
        return e_delete(text, r, rng, vocab)
    for _ in range(int(r * len(s)) + 1):
        x = s.pop(rng.randrange(len(s)))
        s.insert(rng.randrange(len(s) + 1), x)
    return '\n'.join(s)


def e_reflow(text, r, rng, vocab):
    width = rng.randint(40, 100)
    out, line = [], ''
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = (line + rng.choice([' ', ' ', '  ', '\t', '\u00a0'])
                    + w) if line else w
    out.append(line)
    return '\n'.join(out) + '\n' * rng.randint(0, 2)


HEADERS = [
    'Mirrored from the project archive. This page was generated '
    'automatically; links may be out of date. Last updated {d}. Contents '
    'may have changed since this copy was made.',
    'From the {n} documentation set, page {p} of {q}. Printed on {d}. '
    'Please consult the online version for the most recent text.',
    'Downloaded {d} from the package mirror. Report problems with this '
    'copy to the site administrators, not to the authors of the text.',
]
FOOTERS = [
    'Copyright {y} the contributors. All rights reserved. Redistribution '
    'of this page is permitted provided this notice is kept. Terms of use '
    '| Privacy | Contact us | Site map | Back to top',
    'This document is part of the {n} manual collection. Generated by the '
    'documentation build system on {d}. Send corrections to the '
    'maintainers of the collection.',
    'Share this page: mail, print, save as PDF. Related pages: '
    'installation, configuration, troubleshooting, frequently asked '
    'questions, release notes. (c) {y}',
]


def fill(t, rng):
    return t.format(d='%d-%02d-%02d' % (rng.randint(2001, 2024),
                                        rng.randint(1, 12),
                                        rng.randint(1, 28)),
                    n=rng.choice(['system', 'Debian', 'developer', 'user']),
                    p=rng.randint(1, 40), q=rng.randint(40, 90),
                    y=rng.randint(1995, 2024))


def e_boiler(text, r, rng, vocab):
    h = ' '.join(fill(rng.choice(HEADERS), rng)
                 for _ in range(1 + int(r * 6)))
    f = ' '.join(fill(rng.choice(FOOTERS), rng)
                 for _ in range(int(r * 6)))
    return h + '\n\n' + text + ('\n\n' + f if f else '')


def e_truncate(text, r, rng, vocab):
    toks = tokens(text)
    keep = max(10, int(len(toks) * (1 - 0.8 * r)))
    return ''.join(toks[:keep])


def e_punct(text, r, rng, vocab):
    toks = tokens(text)
    wi = word_idx(toks)
    for i in rng.sample(wi, k=int(r * 0.3 * len(wi)) + 1):
        w = toks[i]
        if w[-1] in '.,;:!?':
            toks[i] = w[:-1] + rng.choice(['', ',', ';', ' -', '!'])
        else:
            toks[i] = w + rng.choice([',', '.', ';', ':'])
    return ''.join(toks)


COMPAT = {'fi': '\ufb01', 'fl': '\ufb02', '1': '\u2460', 'A': '\uff21',
          'a': '\uff41', 'e': '\uff45', 'o': '\uff4f', '-': '\ufe63'}


def e_case(text, r, rng, vocab):
    """Case changes and compatibility characters: nothing that survives
    normalisation."""
    toks = tokens(text)
    for i in word_idx(toks):
        x = rng.random()
        if x < 0.2:
            toks[i] = toks[i].upper()
        elif x < 0.3:
            toks[i] = toks[i].title()
        elif x < 0.35:
            w = toks[i]
            for k, v in COMPAT.items():
                w = w.replace(k, v)
            toks[i] = w
    return ''.join(toks)


EDITS = {'insert': e_insert, 'delete': e_delete, 'substitute': e_substitute,
         'typos': e_typos, 'move': e_move, 'boilerplate': e_boiler,
         'truncate': e_truncate, 'punct': e_punct}
COSMETIC = {'reflow': e_reflow, 'case': e_case}


def edit(text, kinds, r, seed, vocab):
    rng = random.Random(seed)
    for k in kinds:
        text = (EDITS.get(k) or COSMETIC[k])(text, r, rng, vocab)
    return text


def make_copy(orig, oset, rng, vocab):
    """A copy of ORIG: (text, edits, true Jaccard)."""
    if rng.random() < 1 / 6:
        kinds = rng.sample(sorted(COSMETIC), k=rng.randint(1, 2))
        t = edit(orig, kinds, 1.0, rng.random(), vocab)
        return t, kinds, jaccard(shingles(t), oset)
    kinds = rng.sample(sorted(EDITS), k=rng.randint(1, 3))
    if rng.random() < 0.5:
        kinds.append(rng.choice(sorted(COSMETIC)))
    target = rng.uniform(0.3, 1.0)
    seed = rng.random()
    lo, hi = 0.0, 1.0
    best = None
    # The Jaccard falls (roughly) as the rate grows: bisect on the rate.
    for _ in range(7):
        r = (lo + hi) / 2
        t = edit(orig, kinds, r, seed, vocab)
        j = jaccard(shingles(t), oset)
        if best is None or abs(j - target) < abs(best[2] - target):
            best = (t, kinds, j)
        if j > target:
            lo = r
        else:
            hi = r
    return best


def hard_group(bodies, rng, licences):
    """2 to 4 documents of different BODIES sharing one boilerplate
    block sized for a target Jaccard between them."""
    target = rng.uniform(0.15, 0.65)
    sizes = [len(shingles(b)) for b in bodies]
    d = sum(sizes) / len(sizes)
    # Two members share S shingles and have about d of their own each:
    # J = S / (S + 2d).
    want = int(2 * d * target / (1 - target)) + 5
    if rng.random() < 0.5 and licences:
        lic = rng.choice(licences)
        w = lic.split()
        start = rng.randrange(max(1, len(w) - want))
        block = ' '.join(w[start:start + want + NGRAM])
        kind = 'licence'
    else:
        parts, n = [], 0
        while n < want:
            p = fill(rng.choice(HEADERS + FOOTERS), random.Random(
                len(parts)))
            parts.append(p)
            n += len(p.split())
        block = ' '.join(parts)
        kind = 'template'
    out = []
    for b in bodies:
        if kind == 'licence':
            out.append(b + '\n\n' + block)
        else:
            h = len(block) // 2
            cut = block.rfind(' ', 0, h) + 1
            out.append(block[:cut] + '\n\n' + b + '\n\n' + block[cut:])
    return out, kind


# The truth: every pair at or above FLOOR, by prefix filtering.

def all_pairs(sets, floor):
    ids = {}
    seqs = []
    df = defaultdict(int)
    for s in sets:
        for x in s:
            df[x] += 1
    for s in sets:
        seqs.append([ids.setdefault(x, len(ids)) for x in s])
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    # Global token order: rare first (ties by first appearance).
    rank = {}
    for x, n in sorted(df.items(), key=lambda kv: (kv[1], ids[kv[0]])):
        rank[ids[x]] = len(rank)
    index = defaultdict(list)
    out = []
    for i in order:
        n = len(sets[i])
        toks = sorted((rank[t] for t in seqs[i]))
        p = n - math.ceil(floor * n - 1e-9) + 1
        cand = set()
        for t in toks[:p]:
            for j in index[t]:
                if len(sets[j]) >= floor * n - 1e-9:
                    cand.add(j)
            index[t].append(i)
        for j in cand:
            jac = jaccard(sets[i], sets[j])
            if jac >= floor:
                out.append((min(i, j), max(i, j), jac))
    out.sort()
    return out


def make(outdir, norig, seed):
    rng = random.Random(seed)
    nhard = max(20, norig // 8)
    text = gather(norig + nhard * 3, rng)
    order = list(range(len(text)))
    rng.shuffle(order)
    origs = [text[i] for i in order[:norig]]
    pool = [text[i][1] for i in order[norig:]]
    vocab = sorted({w for _, t in origs[:500] for w in t.split()
                    if w.isalpha() and len(w) < 15})
    licences = []
    d = '/usr/share/common-licenses'
    if os.path.isdir(d):
        for n in sorted(os.listdir(d)):
            t = read_text(os.path.join(d, n))
            if t and len(t.split()) > 300:
                licences.append(t)
    docs = []   # (text, meta)
    for k, (path, t) in enumerate(origs):
        oid = 'o%05d' % k
        docs.append((t, {'id': oid, 'kind': 'original', 'source': path}))
        oset = shingles(t)
        for c in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            ct, kinds, j = make_copy(t, oset, rng, vocab)
            docs.append((ct, {'id': '%s-c%d' % (oid, c), 'kind': 'copy',
                              'origin': oid, 'edits': kinds,
                              'jaccard_to_origin': round(j, 6)}))
    g = 0
    while pool:
        n = min(len(pool), rng.randint(2, 4))
        if n < 2:
            break
        bodies, pool = pool[:n], pool[n:]
        texts, kind = hard_group(bodies, rng, licences)
        for m, t in enumerate(texts):
            docs.append((t, {'id': 'h%04d-%d' % (g, m), 'kind': 'hard-'
                             + kind, 'group': 'h%04d' % g}))
        g += 1
    rng.shuffle(docs)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'docs.jsonl.tmp'), 'w') as f:
        for t, m in docs:
            f.write(json.dumps({'id': m['id'], 'text': t},
                               ensure_ascii=False) + '\n')
    with open(os.path.join(outdir, 'meta.jsonl'), 'w') as f:
        for t, m in docs:
            f.write(json.dumps(m, ensure_ascii=False) + '\n')
    pairs = all_pairs([shingles(t) for t, _ in docs], FLOOR)
    with open(os.path.join(outdir, 'truth.jsonl'), 'w') as f:
        for a, b, j in pairs:
            f.write(json.dumps({'a': docs[a][1]['id'], 'b': docs[b][1]['id'],
                                'jaccard': round(j, 6)}) + '\n')
    with open(os.path.join(outdir, 'summary.txt'), 'w') as f:
        f.write('%d documents: %d originals, %d copies, %d hard negatives '
                'in %d groups; %d pairs with Jaccard >= %.1f\n' % (
                    len(docs), norig,
                    sum(m['kind'] == 'copy' for _, m in docs),
                    sum(m['kind'].startswith('hard') for _, m in docs), g,
                    len(pairs), FLOOR))
    # docs.jsonl last: its presence says the corpus is whole.
    os.replace(os.path.join(outdir, 'docs.jsonl.tmp'),
               os.path.join(outdir, 'docs.jsonl'))


# Scoring.

def find(p, x):
    while p[x] != x:
        p[x] = p[p[x]]
        x = p[x]
    return x


def score(outdir, result, t):
    ids = []
    with open(os.path.join(outdir, 'docs.jsonl')) as f:
        for line in f:
            ids.append(json.loads(line)['id'])
    pos = {x: i for i, x in enumerate(ids)}
    pred = [None] * len(ids)
    with open(result) as f:
        for line in f:
            r = json.loads(line)
            if r['id'] not in pos:
                sys.exit('score: unknown id %r in %s' % (r['id'], result))
            c = r.get('dup_cluster')
            if c is None:
                sys.exit('score: %s: no dup_cluster for %r' % (result,
                                                               r['id']))
            pred[pos[r['id']]] = c
    miss = sum(c is None for c in pred)
    if miss:
        sys.exit('score: %s lacks %d of the documents' % (result, miss))
    parent = list(range(len(ids)))
    nb = len(BINS)
    hit, tot = [0] * nb, [0] * nb
    with open(os.path.join(outdir, 'truth.jsonl')) as f:
        for line in f:
            r = json.loads(line)
            a, b, j = pos[r['a']], pos[r['b']], r['jaccard']
            k = nb - 1 if j >= 1.0 else min(nb - 2, int(j * 10 + 1e-9) - 4)
            tot[k] += 1
            hit[k] += pred[a] == pred[b]
            if j >= t:
                x, y = find(parent, a), find(parent, b)
                if x != y:
                    parent[max(x, y)] = min(x, y)
    true = [find(parent, i) for i in range(len(ids))]

    def pairs(counts):
        return sum(n * (n - 1) // 2 for n in counts.values())
    both, tc, pc = defaultdict(int), defaultdict(int), defaultdict(int)
    for i in range(len(ids)):
        both[true[i], pred[i]] += 1
        tc[true[i]] += 1
        pc[pred[i]] += 1
    tp, ntrue, npred = pairs(both), pairs(tc), pairs(pc)
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    rec = ['%.3f' % (h / n) if n else '-' for h, n in zip(hit, tot)]
    print('%.4f %.4f %.4f %d %d %s' % (p, r, f1, ntrue, npred, ' '.join(rec)))


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == 'make':
        make(a[1], int(a[2]) if len(a) > 2 else 2000,
             int(a[3]) if len(a) > 3 else 1)
    elif len(a) == 4 and a[0] == 'score':
        score(a[1], a[2], float(a[3]))
    else:
        sys.exit(__doc__.split('\n\n')[1])


main()
