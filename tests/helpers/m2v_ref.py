#!/usr/bin/env python3
"""m2v_ref.py -- an independent reference for etv-embed's model2vec
backend, in plain Python (standard library only).

  m2v_ref.py DIR [--max-tokens N] [--prefix P] < records.jsonl

prints one JSON array per input record: the embedding of its "text"
computed from the files in DIR (model.safetensors, tokenizer.json,
config.json) in double precision.
"""

import argparse
import json
import math
import os
import struct
import sys
import unicodedata

FMT = {"F32": ("f", 4), "F16": ("e", 2), "I8": ("b", 1), "I32": ("i", 4),
       "I64": ("q", 8), "F64": ("d", 8)}


def load_tensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    hdr = json.loads(raw[8:8 + n])
    out = {}
    for name, t in hdr.items():
        if name == "__metadata__":
            continue
        ch, size = FMT[t["dtype"]]
        b, e = t["data_offsets"]
        blob = raw[8 + n + b:8 + n + e]
        vals = struct.unpack("<%d%s" % (len(blob) // size, ch), blob)
        out[name] = (t["shape"], vals)
    return out


def is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")


def is_space(c):
    return c in " \t\n\r" or unicodedata.category(c) in ("Zs", "Zl", "Zp")


def is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(o):
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or
            0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F or
            0x2B740 <= o <= 0x2B81F or 0x2B920 <= o <= 0x2CEAF or
            0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


class Tokenizer:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        m = doc["model"]
        self.vocab = m["vocab"]
        self.prefix = m.get("continuing_subword_prefix", "##")
        self.max_chars = m.get("max_input_chars_per_word", 100)
        self.unk = m.get("unk_token")
        n = doc.get("normalizer") or {}
        self.norm = bool(n)
        self.clean = n.get("clean_text", True)
        self.chinese = n.get("handle_chinese_chars", True)
        self.lower = n.get("lowercase", True)
        sa = n.get("strip_accents")
        self.strip = self.lower if sa is None else sa

    def normalize(self, s):
        if not self.norm:
            return s
        out = []
        for c in s:
            if self.clean:
                if ord(c) in (0, 0xFFFD) or is_control(c):
                    continue
                if is_space(c):
                    c = " "
            if self.chinese and is_cjk(ord(c)):
                out.append(" " + c + " ")
            else:
                out.append(c)
        s = "".join(out)
        if self.strip:
            s = unicodedata.normalize("NFD", s)
            s = "".join(c for c in s if unicodedata.category(c) != "Mn")
        if self.lower:
            s = s.lower()
        return s

    def words(self, s):
        w = []
        cur = ""
        for c in s:
            if is_space(c):
                if cur:
                    w.append(cur)
                cur = ""
            elif is_punct(c):
                if cur:
                    w.append(cur)
                cur = ""
                w.append(c)
            else:
                cur += c
        if cur:
            w.append(cur)
        return w

    def pieces(self, w):
        if len(w) > self.max_chars:
            return [self.unk]
        out = []
        start = 0
        while start < len(w):
            end = len(w)
            found = None
            while start < end:
                sub = w[start:end]
                if start > 0:
                    sub = self.prefix + sub
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, s):
        ids = []
        for w in self.words(self.normalize(s)):
            for p in self.pieces(w):
                if p is None:
                    continue
                ids.append(self.vocab[p])
        return ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--prefix", default="")
    a = ap.parse_args()
    t = load_tensors(os.path.join(a.dir, "model.safetensors"))
    name = "embeddings" if "embeddings" in t else "embedding.weight"
    (rows, dims), emb = t[name]
    weights = t.get("weights", (None, None))[1]
    mapping = t.get("mapping", (None, None))[1]
    tok = Tokenizer(os.path.join(a.dir, "tokenizer.json"))
    unk_id = tok.vocab.get(tok.unk) if tok.unk else None
    normalize = False
    cfgp = os.path.join(a.dir, "config.json")
    if os.path.exists(cfgp):
        with open(cfgp) as f:
            normalize = bool(json.load(f).get("normalize", False))
    for line in sys.stdin:
        rec = json.loads(line)
        ids = [i for i in tok.encode(a.prefix + rec["text"]) if i != unk_id]
        ids = ids[:a.max_tokens]
        acc = [0.0] * dims
        for i in ids:
            w = weights[i] if weights is not None else 1.0
            r = mapping[i] if mapping is not None else i
            row = emb[r * dims:(r + 1) * dims]
            for j in range(dims):
                acc[j] += w * row[j]
        if ids:
            acc = [x / len(ids) for x in acc]
        if normalize:
            nrm = math.sqrt(sum(x * x for x in acc))
            if nrm > 0:
                acc = [x / nrm for x in acc]
        print(json.dumps(acc))


if __name__ == "__main__":
    main()
