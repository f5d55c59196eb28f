#!/usr/bin/python3
"""resolve-anchor.py -- entity resolution by a Fellegi-Sunter model
trained without labels, the way a Splink user gets it, for the benchmark
of etv-resolve.

Usage: resolve-anchor.py -c MODEL.json [-t THRESHOLD] [-v] [--seed S]
                         [--u-pairs N] [--no-tf] [--model-out FILE] FILE

Reads JSON-lines records, writes each input line (in input order, bytes
unchanged) with "entity_id" and "match_score" added, as etv-resolve
does.  MODEL.json is etv-resolve's model format (the subset below); -t
overrides its threshold.  With -v it writes the trained parameters and
the counts to stderr; --model-out writes the model with its trained
"parameters".

Neither Splink nor recordlinkage can be installed here (no Debian
package, no PyPI), so this is a re-implementation of the published
method (Fellegi and Sunter 1969; Splink's training, Linacre et al.
2022), with numpy, scipy and python3-jellyfish:

- Fields are normalised as the model says (text, org, digits,
  digits:N, email, email:tag, email:gmail, url, url:noscheme, synonyms,
  date, date:dmy, date:mdy, none; a list is applied in order).
- Candidate pairs: the union of the pairs of the blocking rules (terms
  FIELD, soundex(F), year(F), first(F,N), last(F,N), tokens(F), joined
  by "+", on the normalised values; a record with an empty term has no
  key for the rule).
- Each pair gets a level for each field: the first of the field's levels
  that holds (exact, jaro_winkler, jaro, token_jaccard, qgram,
  levenshtein, damerau_levenshtein, absdiff, reldiff, date_swap,
  date_year, date_days, soundex, initial, swapped), else the last level;
  the null level (weight 0) when either value is empty.  dmetaphone is not
  available (jellyfish has no Double Metaphone) and is refused.
- u: the share of each level among --u-pairs (default 10^6) random pairs
  of records (Splink's estimate_u_using_random_sampling), with one
  pseudo-count so that no u is 0.
- m: expectation maximisation on the pairs of each blocking rule in
  turn, u fixed, the fields of that rule left out of its training
  (Splink's estimate_parameters_using_expectation_maximisation with its
  defaults); a field's m is the mean over the rules that trained it.
- The prior (the probability that two random records match): each
  rule's EM also estimates the share of matches among its pairs; as in
  Splink, that is turned into a global prior by removing the evidence of
  the rule itself, the ratio of P(the rule's keys agree | match), taken
  from the posteriors of the other rules' training, to P(they agree |
  non-match), the rule's pairs over all pairs; the global prior is the
  mean over the rules.
- Term frequency: on a field with "tf": true, a pair at the exact level
  has its u replaced by the frequency of its value among the records
  (Splink's term frequency adjustment; --no-tf turns it off).
- Match probability = prior * product(m/u) / (that + 1 - prior); pairs at
  or above the threshold are linked and the entities are the connected
  components.  entity_id is "e" and 16 hex digits of BLAKE2b of the
  smallest member id (etv-resolve uses XXH3: the ids differ, the
  clusters are what counts); match_score is the highest probability of
  the record's links (0 alone)."""
import argparse
import hashlib
import json
import math
import os
import re
import sys
import time
import unicodedata
import warnings

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

warnings.simplefilter("ignore", DeprecationWarning)
import jellyfish  # noqa: E402

LEGAL = """inc|incorporated|corp|corporation|co|company|ltd|limited|llc|l l c|
llp|l l p|lp|l p|plc|pty|pte|gmbh|ag|kg|kgaa|ohg|ug|sa|s a|sas|s a s|sarl|
s a r l|ltda|sl|s l|srl|s r l|spa|s p a|nv|n v|bv|b v|bvba|ab|oy|oyj|as|a s|
asa|aps|a p s|kk|k k|bhd|sdn"""
LEGAL_FORMS = sorted((f.split() for f in LEGAL.replace("\n", "").split("|")),
                     key=len, reverse=True)
DEFAULT_PORT = {"http": "80", "https": "443", "ws": "80", "wss": "443",
                "ftp": "21"}


def log(*a):
    sys.stderr.write("resolve-anchor: " + " ".join(str(x) for x in a) +
                     "\n")


# Normalisers.

def norm_text(s):
    s = unicodedata.normalize("NFKD", s).casefold()
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = unicodedata.normalize("NFC", s)
    s = s.replace("'", "").replace("\u2019", "").replace("\u02bc", "")
    out = []
    w = []
    for c in s:
        cat = unicodedata.category(c)
        if cat[0] in "LNM":
            w.append(c)
        elif w:
            out.append("".join(w))
            w = []
    if w:
        out.append("".join(w))
    return " ".join(out)


def norm_org(s):
    w = norm_text(s).split()
    cut = True
    while cut and len(w) > 1:
        cut = False
        for f in LEGAL_FORMS:
            if len(w) > len(f) and w[-len(f):] == f:
                w = w[:-len(f)]
                cut = True
                break
    return " ".join(w)


def norm_digits(s, last=0):
    d = "".join(c for c in s if c.isdigit() and unicodedata.digit(c, -1)
                >= 0)
    d = "".join(str(unicodedata.digit(c)) for c in d)
    return d[-last:] if last and len(d) > last else d


def norm_email(s, tag=False, gmail=False):
    s = s.strip()
    if s.startswith("<") and s.endswith(">"):
        s = s[1:-1]
    if s.lower().startswith("mailto:"):
        s = s[7:]
    s = s.lower()
    if "@" not in s:
        return s
    local, dom = s.rsplit("@", 1)
    dom = dom.rstrip(".") if dom.endswith(".") else dom
    if gmail and dom in ("gmail.com", "googlemail.com"):
        local = local.split("+", 1)[0].replace(".", "")
        dom = "gmail.com"
    elif tag:
        local = local.split("+", 1)[0]
    return local + "@" + dom


def norm_url(s, noscheme=False):
    s = s.strip()
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", s)
    scheme, rest = (m.group(1).lower(), m.group(2)) if m else ("", s)
    rest = rest.split("#", 1)[0]
    i = min([k for k in (rest.find("/"), rest.find("?")) if k >= 0] or
            [len(rest)])
    host, tail = rest[:i], rest[i:]
    user = ""
    if "@" in host:
        user, host = host.rsplit("@", 1)
        user += "@"
    host = host.lower().rstrip(".")
    if ":" in host:
        h, port = host.rsplit(":", 1)
        if DEFAULT_PORT.get(scheme) == port:
            host = h
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    if "?" in tail:
        path, q = tail.split("?", 1)
        q = "?" + q
    else:
        path, q = tail, ""
    if path.endswith("/"):
        path = path[:-1]
    out = user + host + path + q
    if scheme and not (noscheme and scheme in ("http", "https")):
        out = scheme + "://" + out
    return out


def norm_date(s, order):
    """A full-date YYYY-MM-DD, or "" when the value is no date.  Forms:
    YYYY-MM-DD (or with / or .), YYYYMMDD, and A/B/YYYY (or - or .), read
    as day/month for dmy, month/day for mdy, and the other way when that
    is no valid date; "date" reads A/B/YYYY as dmy then mdy too."""
    s = s.strip()
    m = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", s) or \
        re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    cands = []
    if m:
        cands.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    else:
        m = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", s)
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if order == "mdy":
                cands += [(y, a, b), (y, b, a)]
            else:
                cands += [(y, b, a), (y, a, b)]
    for y, mo, d in cands:
        if valid_date(y, mo, d):
            return "%04d-%02d-%02d" % (y, mo, d)
    return ""


def valid_date(y, m, d):
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1 <= y <= 9999):
        return False
    dim = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28,
           31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return d <= dim


def load_synonyms(path):
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            ws = [norm_text(w) for w in re.split(r"[\s,]+", line.strip())
                  if w]
            for w in ws:
                if len(w.split()) != 1:
                    sys.exit("resolve-anchor: %s: %r is not one word" % (
                        path, w))
            for w in ws:
                table.setdefault(w, ws[0])
    return table


def normaliser(spec, field, moddir):
    steps = spec if isinstance(spec, list) else [spec or "none"]
    fns = []
    for st in steps:
        if st == "none":
            continue
        if st == "text":
            fns.append(norm_text)
        elif st == "org":
            fns.append(norm_org)
        elif st == "digits" or st.startswith("digits:"):
            n = int(st.split(":")[1]) if ":" in st else 0
            fns.append(lambda s, n=n: norm_digits(s, n))
        elif st in ("email", "email:tag", "email:gmail"):
            fns.append(lambda s, t=st: norm_email(
                s, t != "email", t == "email:gmail"))
        elif st in ("url", "url:noscheme"):
            fns.append(lambda s, t=st: norm_url(s, t == "url:noscheme"))
        elif st == "synonyms":
            path = field.get("synonyms")
            if not path:
                sys.exit("resolve-anchor: field %s: synonyms without a "
                         "file" % field["name"])
            table = load_synonyms(os.path.join(moddir, path))
            fns.append(lambda s, t=table: " ".join(
                t.get(w, w) for w in norm_text(s).split()))
        elif st in ("date", "date:dmy", "date:mdy"):
            o = "mdy" if st == "date:mdy" else "dmy"
            fns.append(lambda s, o=o: norm_date(s, o))
        else:
            sys.exit("resolve-anchor: unknown normaliser %r" % st)

    def run(v):
        if v is None:
            return ""
        if not isinstance(v, str):
            v = json.dumps(v) if not isinstance(v, (int, float)) else \
                repr(v)
        for f in fns:
            v = f(v)
        return v
    return run


# Comparators: each takes two non-empty normalised strings.

def ascii_letters(s):
    return re.sub(r"[^a-z]", "", unicodedata.normalize(
        "NFKD", s.lower()).encode("ascii", "ignore").decode())


def soundex(s):
    a = ascii_letters(s)
    return jellyfish.soundex(a) if a else ""


def qgrams(s, q):
    pad = "\x00" * (q - 1)
    s = "\x01" * (q - 1) + s + pad
    out = {}
    for i in range(len(s) - q + 1):
        g = s[i:i + q]
        out[g] = out.get(g, 0) + 1
    return out


def qgram_sim(a, b, q):
    ga, gb = qgrams(a, q), qgrams(b, q)
    num = sum(min(c, gb.get(g, 0)) for g, c in ga.items())
    den = sum(max(ga.get(g, 0), gb.get(g, 0)) for g in set(ga) | set(gb))
    return num / den if den else 0.0


def token_jaccard(a, b):
    x, y = set(a.split()), set(b.split())
    u = x | y
    return len(x & y) / len(u) if u else 0.0


def to_num(s):
    try:
        return float(s)
    except ValueError:
        return float("nan")


def day_number(s):
    if len(s) != 10:
        return None
    try:
        y, m, d = int(s[:4]), int(s[5:7]), int(s[8:])
    except ValueError:
        return None
    if not valid_date(y, m, d):
        return None
    return (np.datetime64(s, "D") - np.datetime64("1970-01-01", "D")).astype(
        int)


def make_test(kind, arg, lev):
    """A function (a, b) -> bool for one level."""
    if kind == "exact":
        return lambda a, b: a == b
    if kind == "jaro_winkler":
        return lambda a, b: jellyfish.jaro_winkler_similarity(a, b) >= arg
    if kind == "jaro":
        return lambda a, b: jellyfish.jaro_similarity(a, b) >= arg
    if kind == "token_jaccard":
        return lambda a, b: token_jaccard(a, b) >= arg
    if kind == "qgram":
        q = int(lev.get("q", 2))
        q = q if 1 <= q <= 3 else 2
        return lambda a, b: qgram_sim(a, b, q) >= arg
    if kind == "levenshtein":
        return lambda a, b: (abs(len(a) - len(b)) <= arg and
                             jellyfish.levenshtein_distance(a, b) <= arg)
    if kind == "damerau_levenshtein":
        return lambda a, b: (abs(len(a) - len(b)) <= arg and
                             jellyfish.damerau_levenshtein_distance(a, b)
                             <= arg)
    if kind == "absdiff":
        return lambda a, b: abs(to_num(a) - to_num(b)) <= arg
    if kind == "reldiff":
        def rel(a, b):
            x, y = to_num(a), to_num(b)
            if math.isnan(x) or math.isnan(y) or math.isinf(x) or \
                    math.isinf(y):
                return False
            if x == 0 and y == 0:
                return True
            return abs(x - y) / max(abs(x), abs(y)) <= arg
        return rel
    if kind == "date_swap":
        return lambda a, b: (a != b and len(a) == 10 and len(b) == 10 and
                             a[:4] == b[:4] and a[5:7] == b[8:] and
                             a[8:] == b[5:7] and day_number(a) is not None
                             and day_number(b) is not None)
    if kind == "date_year":
        return lambda a, b: (len(a) == 10 and len(b) == 10 and
                             a[4:] == b[4:] and a[:4].isdigit() and
                             b[:4].isdigit() and
                             abs(int(a[:4]) - int(b[:4])) == 1 and
                             day_number(a) is not None and
                             day_number(b) is not None)
    if kind == "date_days":
        def near(a, b):
            x, y = day_number(a), day_number(b)
            return x is not None and y is not None and abs(x - y) <= arg
        return near
    if kind == "soundex":
        return lambda a, b: soundex(a) != "" and soundex(a) == soundex(b)
    if kind == "initial":
        return lambda a, b: ((len(a) == 1 and len(b) > 1 and b[0] == a) or
                             (len(b) == 1 and len(a) > 1 and a[0] == b))
    sys.exit("resolve-anchor: comparator %r is not available" % kind)


class Field:
    def __init__(self, spec, moddir):
        self.name = spec["name"]
        self.norm = normaliser(spec.get("normalize", "none"), spec, moddir)
        self.tf = bool(spec.get("tf", False))
        self.tests = []      # (position, test) of the ordinary levels
        self.swapped = None  # (position, other field) of a swapped level
        self.labels = []
        for pos, lev in enumerate(spec["levels"]):
            kinds = [k for k in lev if k != "q"]
            if len(kinds) != 1:
                sys.exit("resolve-anchor: field %s: level %r" % (
                    self.name, lev))
            k = kinds[0]
            self.labels.append("%s %s" % (k, lev[k]) if lev[k] is not True
                               else k)
            if k == "swapped":
                self.swapped = (pos, lev[k])
            else:
                self.tests.append((pos, make_test(k, lev[k], lev)))
        self.nlev = len(spec["levels"]) + 1   # with "else"
        self.labels.append("else")
        self.first_exact = bool(self.tests) and self.tests[0][0] == 0 and \
            spec["levels"][0].get("exact") is True

    def level(self, a, b):
        for pos, t in self.tests:
            if t(a, b):
                return pos
        return self.nlev - 1


# Data.

def read_records(path, model):
    idf = model.get("id_field", "id")
    lines, recs = [], []
    with open(path, "rb") as f:
        for raw in f:
            if not raw.strip():
                continue
            lines.append(raw)
            recs.append(json.loads(raw))
    ids = [str(r.get(idf, i)) for i, r in enumerate(recs)]
    return lines, recs, ids


class Values:
    """A field's normalised values as ids: 0 is empty."""

    def __init__(self, strings):
        self.index = {"": 0}
        self.values = [""]
        ids = np.empty(len(strings), dtype=np.int64)
        for i, s in enumerate(strings):
            k = self.index.get(s)
            if k is None:
                k = self.index[s] = len(self.values)
                self.values.append(s)
            ids[i] = k
        self.ids = ids


def rule_terms(rule):
    terms = []
    for t in rule.split("+"):
        t = t.strip()
        m = re.match(r"^(\w+)\(\s*(\w+)\s*(?:,\s*(\d+)\s*)?\)$", t)
        if m:
            terms.append((m.group(1), m.group(2),
                          int(m.group(3)) if m.group(3) else 0))
        elif re.match(r"^\w+$", t):
            terms.append(("", t, 0))
        else:
            sys.exit("resolve-anchor: blocking rule %r: bad term %r" % (
                rule, t))
    return terms


def term_keys(func, v, n):
    if not v:
        return []
    if func == "":
        return [v]
    if func == "soundex":
        s = soundex(v)
        return [s] if s else []
    if func == "year":
        return [v[:4]] if len(v) >= 4 and v[:4].isdigit() else []
    if func == "first":
        return [v[:n]]
    if func == "last":
        return [v[-n:]]
    if func == "tokens":
        return sorted(set(v.split()))
    sys.exit("resolve-anchor: blocking function %r is not available" %
             func)


def rule_pairs(rule, norm, nrec):
    """The pairs of records (i < j) that share a key of the rule, as a
    sorted unique int64 array of i * nrec + j."""
    terms = rule_terms(rule)
    groups = {}
    for i in range(nrec):
        keys = [""]
        for func, f, n in terms:
            ks = term_keys(func, norm[f][i], n)
            if not ks:
                keys = []
                break
            keys = [k + "\x1f" + x for k in keys for x in ks]
        for k in keys:
            groups.setdefault(k, []).append(i)
    chunks = []
    for members in groups.values():
        if len(members) < 2:
            continue
        m = np.array(members, dtype=np.int64)
        a, b = np.triu_indices(len(m), 1)
        chunks.append(m[a] * nrec + m[b])
    if not chunks:
        return np.empty(0, dtype=np.int64), len(groups)
    return np.unique(np.concatenate(chunks)), len(groups)


def levels_of(fields, vals, ia, ib, cache):
    """The level of each field for the pairs (ia, ib): an int8 matrix,
    -1 for the null level."""
    out = np.empty((len(ia), len(fields)), dtype=np.int8)
    byname = {f.name: k for k, f in enumerate(fields)}
    for k, f in enumerate(fields):
        v = vals[f.name]
        va, vb = v.ids[ia], v.ids[ib]
        lo, hi = np.minimum(va, vb), np.maximum(va, vb)
        key = lo * (len(v.values) + 1) + hi
        uk, inv = np.unique(key, return_inverse=True)
        c = cache[f.name]
        lv = np.empty(len(uk), dtype=np.int8)
        nv = len(v.values) + 1
        strs = v.values
        for j, kk in enumerate(uk.tolist()):
            x = c.get(kk)
            if x is None:
                a, b = kk // nv, kk % nv
                if a == 0 or b == 0:
                    x = -1
                else:
                    x = f.level(strs[a], strs[b])
                c[kk] = x
            lv[j] = x
        col = lv[inv]
        if f.swapped is not None:
            pos, other = f.swapped
            if other not in byname:
                sys.exit("resolve-anchor: swapped: no field %r" % other)
            o = vals[other]
            # Cross the two fields: a.F = b.O and a.O = b.F.
            fa = [v.values[x] for x in va.tolist()]
            fb = [v.values[x] for x in vb.tolist()]
            oa = [o.values[x] for x in o.ids[ia].tolist()]
            ob = [o.values[x] for x in o.ids[ib].tolist()]
            sw = np.array([bool(p) and bool(q) and p == s and q == t
                           for p, q, s, t in zip(fa, oa, ob, fb)],
                          dtype=bool)
            col = np.where(sw & (col > pos), pos, col).astype(np.int8)
        out[:, k] = col
    return out


# Training.

def em(pat, cnt, fields, train, u, lam, m0, iters=25, tol=1e-5):
    """EM over distinct comparison patterns (rows of pat, with counts);
    only the fields whose train flag is set take part.  Returns m, the
    share of matches and the posterior of each pattern."""
    m = [x.copy() for x in m0]
    act = [k for k, t in enumerate(train) if t]
    for _ in range(iters):
        lm = np.zeros(len(pat))
        lu = np.zeros(len(pat))
        for k in act:
            lev = pat[:, k]
            ok = lev >= 0
            lm[ok] += np.log(m[k][lev[ok]])
            lu[ok] += np.log(u[k][lev[ok]])
        z = np.clip(lm - lu + math.log(lam / (1 - lam)), -700, 700)
        post = 1 / (1 + np.exp(-z))
        w = post * cnt
        nlam = w.sum() / cnt.sum()
        delta = abs(nlam - lam)
        lam = min(max(nlam, 1e-9), 1 - 1e-9)
        for k in act:
            lev = pat[:, k]
            ok = lev >= 0
            s = np.bincount(lev[ok], weights=w[ok],
                            minlength=fields[k].nlev)
            if s.sum() > 0:
                nm = np.maximum(s / s.sum(), 1e-6)
                delta = max(delta, np.abs(nm - m[k]).max())
                m[k] = nm / nm.sum()
        if delta < tol:
            break
    return m, lam, post


def initial_m(nlev):
    m = np.array([0.9 * (0.5 ** i) for i in range(nlev - 1)] + [0.05])
    return m / m.sum()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-c", dest="model", required=True)
    ap.add_argument("-t", dest="threshold", type=float)
    ap.add_argument("-v", dest="verbose", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--u-pairs", type=int, default=1000000)
    ap.add_argument("--no-tf", action="store_true")
    ap.add_argument("--model-out")
    ap.add_argument("--oracle")
    ap.add_argument("file")
    a = ap.parse_args()
    t0 = time.time()
    with open(a.model) as f:
        model = json.load(f)
    moddir = os.path.dirname(os.path.abspath(a.model))
    fields = [Field(s, moddir) for s in model["fields"]]
    threshold = a.threshold if a.threshold is not None else \
        model.get("threshold", 0.9)
    lines, recs, ids = read_records(a.file, model)
    n = len(recs)
    # Normalised values of the model's fields, and of the other fields
    # the blocking rules name (as text).
    norm = {}
    for f in fields:
        norm[f.name] = [f.norm(r.get(f.name)) for r in recs]
    rules = model.get("blocking", [])
    for rule in rules:
        for _, fname, _ in rule_terms(rule):
            if fname not in norm:
                tn = normaliser("text", {"name": fname}, moddir)
                norm[fname] = [tn(r.get(fname)) for r in recs]
    vals = {f.name: Values(norm[f.name]) for f in fields}
    cache = {f.name: {} for f in fields}
    t1 = time.time()
    # Candidate pairs.
    per_rule = []
    for rule in rules:
        p, ng = rule_pairs(rule, norm, n)
        per_rule.append(p)
        if a.verbose:
            log("rule %r: %d keys, %d pairs" % (rule, ng, len(p)))
    cand = np.unique(np.concatenate(per_rule)) if per_rule else \
        np.empty(0, dtype=np.int64)
    ia, ib = cand // n, cand % n
    pat_all = levels_of(fields, vals, ia, ib, cache)
    t2 = time.time()
    # u from random pairs.
    rng = np.random.default_rng(a.seed)
    k = min(a.u_pairs, n * (n - 1) // 2)
    ra = rng.integers(0, n, size=k)
    rb = rng.integers(0, n - 1, size=k)
    rb = np.where(rb >= ra, rb + 1, rb)
    upat = levels_of(fields, vals, ra, rb, {f.name: {} for f in fields})
    u = []
    for j, f in enumerate(fields):
        lev = upat[:, j]
        c = np.bincount(lev[lev >= 0], minlength=f.nlev).astype(float)
        u.append((c + 1) / (c.sum() + f.nlev))
    del upat
    t3 = time.time()
    # m and the prior: EM on each rule's pairs.
    msum = [np.zeros(f.nlev) for f in fields]
    mcount = [0] * len(fields)
    sessions = []
    total_pairs = n * (n - 1) / 2
    for rule, p in zip(rules, per_rule):
        if len(p) == 0:
            continue
        fixed = {fname for _, fname, _ in rule_terms(rule)}
        train = [f.name not in fixed for f in fields]
        rows = np.searchsorted(cand, p)
        pat, inv, cnt = np.unique(pat_all[rows], axis=0, return_inverse=True,
                                  return_counts=True)
        inv = inv.reshape(-1)
        m0 = [initial_m(f.nlev) for f in fields]
        m, lam, post = em(pat, cnt.astype(float), fields, train, u, 0.3, m0)
        for j, f in enumerate(fields):
            if train[j]:
                msum[j] += m[j]
                mcount[j] += 1
        sessions.append((rule, p, lam, post[inv]))
        if a.verbose:
            log("EM on %r: %d pairs, %d patterns, share of matches %.4g" %
                (rule, len(p), len(pat), lam))
            for j, f in enumerate(fields):
                if train[j]:
                    log("  m %s %s" % (f.name, np.array2string(
                        m[j], precision=4)))
    m = []
    for j, f in enumerate(fields):
        if mcount[j]:
            m.append(msum[j] / mcount[j])
        else:
            m.append(initial_m(f.nlev))
            log("field %s is in every blocking rule: m not trained" %
                f.name)
    # The global prior: each session's share of matches without the
    # evidence of its own rule.
    priors = []
    for rule, p, lam, post in sessions:
        mr = []
        for rule2, p2, lam2, post2 in sessions:
            if rule2 == rule:
                continue
            inr = np.isin(p2, p, assume_unique=True)
            if post2.sum() > 0:
                mr.append((post2 * inr).sum() / post2.sum())
        m_rule = float(np.mean(mr)) if mr else 1.0
        m_rule = max(m_rule, 1e-3)
        # The matches in the rule's pairs are the share m_rule of all
        # matches.
        prior = min(lam * len(p) / m_rule / total_pairs, 0.5)
        u_rule = (1 - lam) * len(p) / total_pairs
        priors.append(prior)
        if a.verbose:
            log("rule %r: P(keys agree | match) %.3f, | non-match %.3g, "
                "prior %.4g" % (rule, m_rule, u_rule, priors[-1]))
    prior = float(np.mean(priors)) if priors else 1e-6
    if a.oracle:
        # m and the prior from the truth: the best this model can do.
        ent = {}
        with open(a.oracle) as f:
            for line in f:
                r = json.loads(line)
                ent[str(r["id"])] = r["entity"]
        code = {}
        e = np.array([code.setdefault(ent[i], len(code)) for i in ids])
        same = e[ia] == e[ib]
        for j, f in enumerate(fields):
            lev = pat_all[same, j]
            c = np.bincount(lev[lev >= 0], minlength=f.nlev).astype(float)
            m[j] = (c + 0.5) / (c.sum() + 0.5 * f.nlev)
        sizes = np.unique(e, return_counts=True)[1]
        prior = float((sizes * (sizes - 1) / 2).sum() / total_pairs)
    t4 = time.time()
    # Scores.
    w = np.zeros(len(cand))
    for j, f in enumerate(fields):
        lev = pat_all[:, j]
        ok = lev >= 0
        bf = np.log(m[j]) - np.log(u[j])
        w[ok] += bf[lev[ok]]
        if f.tf and f.first_exact and not a.no_tf:
            v = vals[f.name]
            freq = np.bincount(v.ids, minlength=len(v.values)).astype(float)
            nn = freq[1:].sum()
            tf = freq / max(nn, 1)
            ex = lev == 0
            va = v.ids[ia[ex]]
            w[ex] += np.log(u[j][0]) - np.log(np.maximum(tf[va], 1e-12))
    lo = math.log(prior / (1 - prior))
    z = np.clip(w + lo, -700, 700)
    prob = 1 / (1 + np.exp(-z))
    keep = prob >= threshold
    la, lb, lp = ia[keep], ib[keep], prob[keep]
    g = coo_matrix((np.ones(len(la)), (la, lb)), shape=(n, n))
    ncomp, comp = connected_components(g, directed=False)
    best = np.zeros(n)
    np.maximum.at(best, la, lp)
    np.maximum.at(best, lb, lp)
    smallest = {}
    for i, c in enumerate(comp.tolist()):
        s = smallest.get(c)
        if s is None or ids[i] < s:
            smallest[c] = ids[i]
    eid = {c: "e" + hashlib.blake2b(s.encode(), digest_size=8).hexdigest()
           for c, s in smallest.items()}
    out = sys.stdout.buffer
    for i, raw in enumerate(lines):
        line = raw.rstrip(b"\r\n").rstrip()
        if not line.endswith(b"}"):
            sys.exit("resolve-anchor: line %d is no JSON object" % (i + 1))
        body = line[:-1].rstrip()
        sep = b", " if not body.endswith(b"{") else b""
        out.write(body + sep + (
            '"entity_id": "%s", "match_score": %.6g}\n' % (
                eid[comp[i]], best[i])).encode())
    t5 = time.time()
    if a.verbose:
        for j, f in enumerate(fields):
            log("%s: m %s u %s" % (f.name, np.array2string(
                m[j], precision=4), np.array2string(u[j], precision=4)))
        log("prior %.4g (mean of %s)" % (prior, ", ".join(
            "%.3g" % x for x in priors)))
        log("%d records, %d candidate pairs, %d links, %d entities" % (
            n, len(cand), int(keep.sum()), ncomp))
        log("seconds: normalise %.1f, pairs and levels %.1f, u %.1f, "
            "EM %.1f, score and write %.1f" % (
                t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4))
    if a.model_out:
        model = dict(model)
        model["parameters"] = {
            "prior": prior,
            "fields": {f.name: {"m": m[j].tolist(), "u": u[j].tolist()}
                       for j, f in enumerate(fields)}}
        with open(a.model_out, "w") as f:
            json.dump(model, f, indent=2)
            f.write("\n")


main()
