#!/bin/sh
# index.sh -- etv-index against hnswlib and FAISS on the same vectors.
# usage: scripts/bench/index.sh BUILD_DIR
#
# Data: a synthetic clustered set (BENCH_INDEX_N x BENCH_INDEX_DIMS,
# default 200000 x 128) and, when BUILD_DIR has etv-embed, real vectors
# made by etv-embed from the texts under /usr/share/common-licenses and
# /usr/share/doc.  Ground truth is exact search.  For each engine, with the
# same M and ef_construction, it prints build time, QPS at recall@10 of
# 0.90, 0.95 and 0.99 (all single-threaded; BENCH_INDEX_Q queries, default
# 10000, read off each engine's recall/QPS curve over a grid of ef), peak
# memory, file size and open time, then the exact-search QPS against
# FAISS IndexFlat (on 1000 queries) and the
# time of an `add` of 1000 vectors to a BENCH_INDEX_ADD_BASE-vector index
# (default 1000000).  Needs /usr/bin/python3 with python3-numpy,
# python3-hnswlib and python3-faiss (sh scripts/deps.sh --bench).
#
# Exact search: etv-index query --exact at -j 1 (CPU time) and -j 2 (wall
# time), against FAISS IndexFlatIP, one thread (CPU time).  FAISS scores
# with the BLAS behind libblas.so.3: its child process is started with
# LD_LIBRARY_PATH at OpenBLAS (openblas-pthread), with one OpenBLAS and one
# OpenMP thread, and the bench prints the BLAS it found mapped in that
# process (/proc/self/maps); the system's alternatives are left alone.
# BENCH_INDEX_ONLY=exact runs only that part, on the synthetic set (an
# index built with --exact; no graphs, no real vectors, no add).
set -eu

B=$(cd "${1:-build}" && pwd)
PY=/usr/bin/python3
W=$B/bench/index
mkdir -p "$W"
export ETV_BUILD="$B" BENCH_DIR="$W"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

cat >"$W/bench.py" <<'EOF'
import base64, json, os, subprocess, sys, time
import numpy as np

B = os.environ["ETV_BUILD"]
W = os.environ["BENCH_DIR"]
ETV = os.path.join(B, "etv-index")
M, EFC, K = 16, 200, 10
EFS = [10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64, 96, 128, 192, 256, 384,
       512, 768]
# Each query timing is the best of REPEAT runs: the machine is shared.
REPEAT = int(os.environ.get("BENCH_INDEX_REPEAT", "3"))
TARGETS = [0.90, 0.95, 0.99]
# Exact search scans every vector: it is timed on the first NEXACT queries.
NEXACT = 1000
ONLY = os.environ.get("BENCH_INDEX_ONLY", "")
# Where Debian puts OpenBLAS's libblas.so.3 (package libopenblas0-pthread).
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"


TIME = "/usr/bin/time"
CLOCK = time.process_time


def run(cmd, stdin=None, stdout=subprocess.DEVNULL, cpu=False, env=None):
    """Run a command; return (seconds, peak RSS in MiB).

    With cpu, the seconds are user + system CPU time rather than wall
    time: single-threaded runs on a shared machine are compared by the
    work they do, as the anchors' are (time.process_time).  The figures
    come from time(1) in between: a child forked from this (large)
    Python process would be charged with its pages."""
    rf = os.path.join(W, "rss")
    t = time.perf_counter()
    p = subprocess.Popen([TIME, "-f", "%M", "-o", rf] + cmd, stdin=stdin,
                         stdout=stdout, env=env)
    # wait4 counts the CPU time of time(1) and of the command it waited
    # for, in microseconds (time(1) itself prints only hundredths).
    _, st, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    if st != 0:
        sys.exit("bench: %s failed (%d)" % (cmd[:2], st))
    with open(rf) as f:
        m = f.read().split()[-1]
    return (ru.ru_utime + ru.ru_stime if cpu else dt), float(m) / 1024.0


def write_jsonl(path, x, prefix):
    with open(path, "w") as f:
        for i, v in enumerate(x):
            f.write('{"id":"%s%d","embedding":"%s"}\n' % (
                prefix, i, base64.b64encode(v.tobytes()).decode()))


def clustered(n, d, seed):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(1000, d)).astype("float32")
    x = c[rng.integers(0, 1000, n)] + rng.normal(
        scale=0.75, size=(n, d)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def truth(x, q):
    gt = np.empty((len(q), K), dtype=np.int64)
    for i in range(0, len(q), 256):
        s = q[i:i + 256] @ x.T
        top = np.argpartition(-s, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(s, top, axis=1), axis=1)
        gt[i:i + 256] = np.take_along_axis(top, order, axis=1)
    return gt


def recall(found, gt):
    return float(np.mean([len(set(a) & set(b)) / K
                          for a, b in zip(found, gt)]))


def at_recall(points):
    """QPS at each target recall, read off the recall/QPS curve.

    The points come by growing ef.  Between the last setting below the
    target and the first one reaching it, QPS is interpolated linearly in
    recall: a step function would compare two engines by where their ef
    grids happen to fall (0.9899 against 0.9901 at the same ef).  When
    the first setting already reaches the target, its QPS is taken."""
    out = []
    for t in TARGETS:
        v, prev, best = None, None, 0.0
        for r, qps in points:
            best = max(best, r)
            if best >= t:
                if prev is None or prev[0] >= best:
                    v = qps
                else:
                    f = (t - prev[0]) / (best - prev[0])
                    v = prev[1] + f * (qps - prev[1])
                break
            prev = (best, qps)
        out.append(v)
    return out


def etv_query(idx, qfile, nq, extra, cpu=True):
    out = os.path.join(W, "hits.jsonl")
    dt, rss = float("inf"), 0
    for _ in range(REPEAT):
        with open(qfile) as fi, open(out, "w") as fo:
            t, r = run([ETV, "query", "-k", str(K)] + extra + [idx],
                       stdin=fi, stdout=fo, cpu=cpu)
        dt, rss = min(dt, t), max(rss, r)
    found = []
    with open(out) as f:
        for line in f:
            found.append([int(h["id"][1:]) for h in json.loads(line)["hits"]])
    return nq / dt, found, rss


def child(mode, name):
    """Engine runs in a child process, so that its peak RSS is its own.

    Its libblas.so.3 is OpenBLAS's when that is installed, whatever the
    system's alternatives say."""
    out = os.path.join(W, "child.json")
    env = dict(os.environ)
    if os.path.isdir(OPENBLAS):
        env["LD_LIBRARY_PATH"] = OPENBLAS + (
            ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH")
            else "")
    with open(out, "w") as fo:
        _, rss = run([sys.executable, os.path.join(W, "bench.py"), mode,
                      name], stdout=fo, env=env)
    with open(out) as f:
        res = json.load(f)
    res["rss"] = rss
    return res


def blas_loaded():
    """The BLAS and LAPACK libraries mapped in this process."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            b = os.path.basename(p)
            if "blas" in b or "lapack" in b:
                libs.add(os.path.realpath(p))
    return sorted(libs)


def anchor(mode, name):
    import faiss
    faiss.omp_set_num_threads(1)
    x = np.load(os.path.join(W, name + "-x.npy"))
    q = np.load(os.path.join(W, name + "-q.npy"))
    gt = np.load(os.path.join(W, name + "-gt.npy"))
    res = {}
    if mode == "hnswlib":
        import hnswlib
        p = hnswlib.Index("ip", x.shape[1])
        t = CLOCK()
        p.init_index(len(x), M=M, ef_construction=EFC, random_seed=100)
        p.add_items(x, np.arange(len(x)), num_threads=1)
        res["build"] = CLOCK() - t
        pts = []
        for ef in EFS:
            p.set_ef(ef)
            dt = float("inf")
            for _ in range(REPEAT):
                t = CLOCK()
                lab, _ = p.knn_query(q, K, num_threads=1)
                dt = min(dt, CLOCK() - t)
            pts.append((recall(lab, gt), len(q) / dt))
        res["points"] = pts
        f = os.path.join(W, name + ".hnswlib")
        p.save_index(f)
        res["bytes"] = os.path.getsize(f)
        del p
        t = time.perf_counter()
        p = hnswlib.Index("ip", x.shape[1])
        p.load_index(f)
        p.set_ef(64)
        p.knn_query(q[:1], K, num_threads=1)
        res["open"] = time.perf_counter() - t
    elif mode == "faiss-hnsw":
        ix = faiss.IndexHNSWFlat(x.shape[1], M, faiss.METRIC_INNER_PRODUCT)
        ix.hnsw.efConstruction = EFC
        t = CLOCK()
        ix.add(x)
        res["build"] = CLOCK() - t
        pts = []
        for ef in EFS:
            ix.hnsw.efSearch = ef
            dt = float("inf")
            for _ in range(REPEAT):
                t = CLOCK()
                _, lab = ix.search(q, K)
                dt = min(dt, CLOCK() - t)
            pts.append((recall(lab, gt), len(q) / dt))
        res["points"] = pts
        f = os.path.join(W, name + ".faiss")
        faiss.write_index(ix, f)
        res["bytes"] = os.path.getsize(f)
        t = time.perf_counter()
        faiss.read_index(f).search(q[:1], K)
        res["open"] = time.perf_counter() - t
    elif mode == "faiss-flat":
        q, gt = q[:NEXACT], gt[:NEXACT]
        ix = faiss.IndexFlatIP(x.shape[1])
        ix.add(x)
        dt = float("inf")
        for _ in range(REPEAT):
            t = CLOCK()
            _, lab = ix.search(q, K)
            dt = min(dt, CLOCK() - t)
        res["qps"] = len(q) / dt
        res["recall"] = recall(lab, gt)
        res["blas"] = blas_loaded()
        res["threads"] = faiss.omp_get_max_threads()
    print(json.dumps(res))


def fmt(v, unit=""):
    return "-" if v is None else ("%.0f%s" % (v, unit) if v >= 100
                                  else "%.2f%s" % (v, unit))


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2fx" % (a / b)


def bench_set(name, x, q):
    n, d = x.shape
    print("\n== %s: %d x %d, %d queries, M=%d ef_construction=%d, k=%d"
          % (name, n, d, len(q), M, EFC, K))
    gt = truth(x, q)
    for suffix, arr in (("x", x), ("q", q), ("gt", gt)):
        np.save(os.path.join(W, "%s-%s.npy" % (name, suffix)), arr)
    base = os.path.join(W, name + "-base.jsonl")
    qf = os.path.join(W, name + "-q.jsonl")
    write_jsonl(base, x, "b")
    write_jsonl(qf, q, "q")
    idx = os.path.join(W, name + ".etv")
    if ONLY == "exact":
        run([ETV, "build", "--force", "--store", "", "--exact", "-j", "1",
             idx, base])
        bench_exact(name, idx, qf, q, gt)
        return
    bt, brss = run([ETV, "build", "--force", "--store", "", "-M", str(M),
                    "--ef-construction", str(EFC), "-j", "1", idx, base],
                   cpu=True)
    pts = []
    qrss = 0
    for ef in EFS:
        qps, found, rss = etv_query(idx, qf, len(q), ["--ef", str(ef)])
        qrss = max(qrss, rss)
        pts.append((recall(found, gt), qps))
    one = os.path.join(W, name + "-one.jsonl")
    with open(qf) as f, open(one, "w") as o:
        o.write(f.readline())
    with open(one) as fi:
        ot, _ = run([ETV, "query", idx], stdin=fi)
    etv = {"build": bt, "points": pts, "bytes": os.path.getsize(idx),
           "open": ot, "rss": max(brss, qrss)}
    # The same with --quantize i8: graph walks on int8 codes.
    idq = os.path.join(W, name + "-i8.etv")
    qt, qrss8 = run([ETV, "build", "--force", "--store", "", "-M", str(M),
                     "--ef-construction", str(EFC), "--quantize", "i8",
                     "-j", "1", idq, base], cpu=True)
    pq = []
    for ef in EFS:
        qps, found, rss = etv_query(idq, qf, len(q), ["--ef", str(ef)])
        qrss8 = max(qrss8, rss)
        pq.append((recall(found, gt), qps))
    with open(one) as fi:
        ot8, _ = run([ETV, "query", idq], stdin=fi)
    etv8 = {"build": qt, "points": pq, "bytes": os.path.getsize(idq),
            "open": ot8, "rss": qrss8}
    hn = child("hnswlib", name)
    fh = child("faiss-hnsw", name)

    print("(build s and qps: CPU time, one thread; open s: wall time)")
    print("%-12s %9s %9s %9s %9s %9s %10s %9s" % (
        "engine", "build s", "qps@.90", "qps@.95", "qps@.99", "rss MiB",
        "file MiB", "open s"))
    for label, r in (("etv-index", etv), ("etv-i8", etv8),
                     ("hnswlib", hn), ("faiss-hnsw", fh)):
        a = at_recall(r["points"])
        print("%-12s %9s %9s %9s %9s %9s %10s %9s" % (
            label, fmt(r["build"]), fmt(a[0]), fmt(a[1]), fmt(a[2]),
            fmt(r["rss"]), fmt(r["bytes"] / 1048576.0), "%.4f" % r["open"]))
    a, h = at_recall(etv["points"]), at_recall(hn["points"])
    print("etv/hnswlib: build time %s (target <= 1.20x), QPS %s %s %s "
          "(target >= 1.00x)" % (
              ratio(etv["build"], hn["build"]), ratio(a[0], h[0]),
              ratio(a[1], h[1]), ratio(a[2], h[2])))
    print("recall/QPS by ef (etv | etv-i8 | hnswlib):")
    for ef, (er, eq), (ir, iq), (hr, hq) in zip(
            EFS, etv["points"], etv8["points"], hn["points"]):
        print("  ef %4d  %.4f %8.0f | %.4f %8.0f | %.4f %8.0f" % (
            ef, er, eq, ir, iq, hr, hq))
    bench_exact(name, idx, qf, q, gt)


def bench_exact(name, idx, qf, q, gt):
    """etv-index query --exact against FAISS IndexFlatIP, NEXACT queries."""
    qe = os.path.join(W, name + "-qe.jsonl")
    with open(qf) as f, open(qe, "w") as o:
        for _, line in zip(range(NEXACT), f):
            o.write(line)
    ne = min(NEXACT, len(q))
    e1, f1, _ = etv_query(idx, qe, ne, ["--exact", "-j", "1"])
    e2, f2, _ = etv_query(idx, qe, ne, ["--exact", "-j", "2"], cpu=False)
    ff = child("faiss-flat", name)
    print("exact search, %d queries, k=%d (best of %d):" % (ne, K, REPEAT))
    print("  etv -j 1         %8s qps (CPU time; recall %.4f)" % (
        fmt(e1), recall(f1, gt[:ne])))
    print("  etv -j 2         %8s qps (wall time; recall %.4f)" % (
        fmt(e2), recall(f2, gt[:ne])))
    print("  FAISS IndexFlatIP %7s qps (CPU time, %d thread; recall %.4f)" % (
        fmt(ff["qps"]), ff["threads"], ff["recall"]))
    print("  FAISS BLAS: %s" % (", ".join(ff["blas"]) or "none mapped"))
    print("  etv/FAISS: -j 1 %s, -j 2 %s (target >= 1.00x at -j 1)" % (
        ratio(e1, ff["qps"]), ratio(e2, ff["qps"])))


def real_vectors():
    embed = os.path.join(B, "etv-embed")
    if not os.access(embed, os.X_OK):
        print("\n== real vectors: skipped (no etv-embed in %s)" % B)
        return
    texts = []
    for root in ("/usr/share/common-licenses", "/usr/share/doc"):
        for dp, _, fs in sorted(os.walk(root)):
            for fn in sorted(fs):
                p = os.path.join(dp, fn)
                if fn.endswith(".gz") or os.path.islink(p):
                    continue
                try:
                    with open(p, encoding="utf-8") as f:
                        body = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                for para in body.split("\n\n"):
                    para = " ".join(para.split())
                    if len(para) >= 40:
                        texts.append(para[:2000])
    texts = sorted(set(texts))
    src = os.path.join(W, "real-text.jsonl")
    with open(src, "w") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "t%d" % i, "text": t}) + "\n")
    emb = os.path.join(W, "real-emb.jsonl")
    with open(src) as fi, open(emb, "w") as fo:
        if subprocess.call([embed], stdin=fi, stdout=fo) != 0:
            print("\n== real vectors: skipped (etv-embed failed)")
            return
    vecs = []
    with open(emb) as f:
        for line in f:
            e = json.loads(line)["embedding"]
            if isinstance(e, str):
                vecs.append(np.frombuffer(base64.b64decode(e), "<f4"))
            else:
                vecs.append(np.array(e, dtype="float32"))
    x = np.stack(vecs).astype("float32")
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(7)
    sel = rng.permutation(len(x))
    nq = min(5000, len(x) // 10)
    bench_set("real", np.ascontiguousarray(x[sel[nq:]]),
              np.ascontiguousarray(x[sel[:nq]]))


def bench_add():
    n = int(os.environ.get("BENCH_INDEX_ADD_BASE", "1000000"))
    d = int(os.environ.get("BENCH_INDEX_DIMS", "128"))
    print("\n== add: 1000 vectors to a %d x %d index" % (n, d))
    x = clustered(n + 1000, d, 3)
    base = os.path.join(W, "add-base.jsonl")
    new = os.path.join(W, "add-new.jsonl")
    write_jsonl(base, x[:n], "b")
    write_jsonl(new, x[n:], "n")
    idx = os.path.join(W, "add.etv")
    jobs = str(os.cpu_count() or 1)
    bt, _ = run([ETV, "build", "--force", "--store", "", "-j", jobs, idx,
                 base])
    print("build (-j %s): %.1f s" % (jobs, bt))
    at, rss = run([ETV, "add", idx, new])
    print("add 1000: %.3f s, peak RSS %.1f MiB (target < 1 s)" % (at, rss))
    os.unlink(base)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        anchor(sys.argv[1], sys.argv[2])
        sys.exit(0)
    n = int(os.environ.get("BENCH_INDEX_N", "200000"))
    d = int(os.environ.get("BENCH_INDEX_DIMS", "128"))
    nq = int(os.environ.get("BENCH_INDEX_Q", "10000"))
    x = clustered(n + nq, d, 1)
    bench_set("synthetic", x[:n], x[n:])
    if ONLY == "exact":
        sys.exit(0)
    real_vectors()
    bench_add()
EOF

"$PY" "$W/bench.py"
