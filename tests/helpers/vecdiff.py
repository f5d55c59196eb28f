#!/usr/bin/env python3
"""vecdiff.py -- compare the embeddings etv-embed wrote with reference
vectors.  Standard library only.

  vecdiff.py ETV_OUTPUT REFERENCE TOLERANCE

ETV_OUTPUT is JSON-lines with "embedding" (array or base64 float32);
REFERENCE has one vector per line (JSON array or base64 string).  Both
are compared as float32.  Prints the largest absolute
difference; exits 1 when it exceeds TOLERANCE or the counts differ.
"""

import base64
import json
import struct
import sys


def vec(v):
    """The float32 values of an embedding, as Python floats."""
    if isinstance(v, str):
        raw = base64.b64decode(v)
    else:
        raw = struct.pack("<%df" % len(v), *v)
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


def main():
    with open(sys.argv[1]) as f:
        got = [vec(json.loads(l)["embedding"]) for l in f if l.strip()]
    with open(sys.argv[2]) as f:
        ref = [vec(json.loads(l)) for l in f if l.strip()]
    tol = float(sys.argv[3])
    if len(got) != len(ref):
        print("counts differ: %d and %d" % (len(got), len(ref)))
        sys.exit(1)
    worst = 0.0
    for g, r in zip(got, ref):
        if len(g) != len(r):
            print("sizes differ: %d and %d" % (len(g), len(r)))
            sys.exit(1)
        for x, y in zip(g, r):
            worst = max(worst, abs(x - y))
    print("max difference %.3g" % worst)
    sys.exit(1 if worst > tol else 0)


if __name__ == "__main__":
    main()
