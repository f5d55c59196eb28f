#!/usr/bin/env python3
"""mkmodel.py -- build a small model2vec-format model directory for the
tests and the benchmark of etv-embed.  Standard library only.

  mkmodel.py DIR [--vocab N] [--dims D] [--dtype F32|F16|I8]
                 [--weights] [--mapping] [--normalize true|false|none]
                 [--tensor-name NAME] [--seed S] [--nan TOKEN]

DIR gets model.safetensors, tokenizer.json (WordPiece, BERT normaliser
and pre-tokenizer) and config.json.  The vocabulary holds the BERT special
tokens, single characters (plain and "##"), a list of English words and
suffixes, and made-up words up to --vocab entries; the embeddings are
pseudo-random and deterministic for a seed.  --nan TOKEN makes the
first value of TOKEN's row NaN and its second infinity (a damaged model).
"""

import argparse
import json
import os
import struct

WORDS = """the quick brown fox jumps over lazy dog hello world embed
embedding vector model text data pipeline retrieval search index chunk
record token tokens word words is a an of to in and or for with on at by
from this that it be are was were has have had not no yes can will would
should could may might must do does did make made use used using etv
unix tool tools fast slow file files line lines json base64 cache server
request response batch key value test tests naïve café résumé über""".split()
SUFFIXES = ["s", "es", "ed", "ing", "ly", "er", "est", "ion", "tion",
            "al", "ment", "ness", "able", "ize"]
SYLL = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "be", "do", "ga",
        "hu", "ji", "ke", "la", "mo", "nu", "pa", "qi", "ro", "se", "ti",
        "vu", "wa", "xo", "yi", "ze"]


def vocab_list(n):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [chr(c) for c in range(33, 127)]
    chars += list("中文字日本語éüß")
    toks += chars
    toks += ["##" + c for c in chars if c.isalnum()]
    seen = set(toks)
    for w in WORDS + ["##" + s for s in SUFFIXES]:
        if w not in seen:
            toks.append(w)
            seen.add(w)
    i = 0
    while len(toks) < n:
        # i in base 27, two syllables at least: every i a new word.
        w, k = "", i
        while True:
            w += SYLL[k % 27]
            k //= 27
            if k == 0 and len(w) >= 4:
                break
        if i % 3 == 0:
            w = "##" + w
        if w not in seen:
            toks.append(w)
            seen.add(w)
        i += 1
    return toks[:max(n, len(toks))] if n >= len(toks) else toks


class Rand:
    def __init__(self, seed):
        self.x = seed & 0xffffffffffffffff

    def next(self):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) \
            & 0xffffffffffffffff
        return ((self.x >> 33) % 2000001 - 1000000) / 1000000.0


def half_bits(f):
    return struct.unpack("<H", struct.pack("<e", f))[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--vocab", type=int, default=0)
    p.add_argument("--dims", type=int, default=16)
    p.add_argument("--dtype", default="F32")
    p.add_argument("--weights", action="store_true")
    p.add_argument("--mapping", action="store_true")
    p.add_argument("--normalize", default="true")
    p.add_argument("--tensor-name", default="embeddings")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--nan", action="append", default=[])
    a = p.parse_args()

    toks = vocab_list(a.vocab)
    nv = len(toks)
    rows = nv if not a.mapping else (nv + 1) // 2
    r = Rand(a.seed)
    vals = [r.next() for _ in range(rows * a.dims)]
    for t in a.nan:
        row = toks.index(t) if not a.mapping else \
            (toks.index(t) * 7919) % rows
        vals[row * a.dims] = float("nan")
        if a.dims > 1:
            vals[row * a.dims + 1] = float("inf")
    if a.dtype == "F32":
        data = struct.pack("<%df" % len(vals), *vals)
    elif a.dtype == "F16":
        data = struct.pack("<%de" % len(vals), *vals)
    elif a.dtype == "I8":
        data = struct.pack("<%db" % len(vals),
                           *[int(round(v * 127)) for v in vals])
    else:
        raise SystemExit("unknown dtype")
    tensors = [(a.tensor_name, a.dtype, [rows, a.dims], data)]
    if a.weights:
        w = [0.25 + (i % 7) / 4.0 for i in range(nv)]
        tensors.append(("weights", "F32", [nv],
                        struct.pack("<%df" % nv, *w)))
    if a.mapping:
        m = [(i * 7919) % rows for i in range(nv)]
        tensors.append(("mapping", "I64", [nv],
                        struct.pack("<%dq" % nv, *m)))
    header = {"__metadata__": {"format": "pt"}}
    off = 0
    for name, dt, shape, blob in tensors:
        header[name] = {"dtype": dt, "shape": shape,
                        "data_offsets": [off, off + len(blob)]}
        off += len(blob)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for _, _, _, blob in tensors:
            f.write(blob)
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": True,
                       "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": None,
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]",
                  "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100,
                  "vocab": {t: i for i, t in enumerate(toks)}},
    }
    with open(os.path.join(a.dir, "tokenizer.json"), "w",
              encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    cfg = {"model_type": "model2vec", "hidden_dim": a.dims}
    if a.normalize != "none":
        cfg["normalize"] = a.normalize == "true"
    with open(os.path.join(a.dir, "config.json"), "w") as f:
        json.dump(cfg, f)


if __name__ == "__main__":
    main()
