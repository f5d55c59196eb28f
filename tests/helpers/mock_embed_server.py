#!/usr/bin/env python3
"""mock_embed_server.py -- an OpenAI-compatible /v1/embeddings server for
the tests and the benchmark of etv-embed.  Standard library only.

It listens on 127.0.0.1 on a random free port, writes that port to
--port-file, and stops by itself after --lifetime seconds or
--max-requests requests.  The vector of a text is a deterministic
function of the text (see vector()), so callers can check which vector
went to which record.

After the first --skip requests, the next --fail requests (all when --fail
is -1) misbehave as --mode says:
  ok         answer correctly
  slow       answer correctly after --delay seconds
  jitter     answer correctly after a random delay of up to --delay
  429        HTTP 429 with Retry-After: --retry-after
  500        HTTP 500
  400        HTTP 400 (not retryable)
  echo-auth  HTTP 401 whose body echoes the Authorization header, as some
             proxies do
  malformed  HTTP 200 with a body that is not JSON
  count      one embedding fewer than inputs
  index      a repeated index
  dims       vectors of different sizes within one response
  nan        a NaN in a vector (as a JSON array)
  close      close the connection without an answer
  reversed   correct, but items listed in reverse order (valid)
  floats     correct, vectors as JSON arrays instead of base64 (valid)
GET /stats returns {"requests", "inputs", "batches", "auth", "bodies"}.

  mock_embed_server.py --vector TEXT [--dims N]  prints TEXT's vector.
"""

import argparse
import base64
import json
import random
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def base_table(dims):
    vals = []
    x = 12345
    for _ in range(2 * dims):
        x = (x * 1103515245 + 12345) % 2147483648
        vals.append(((x >> 8) % 20001 - 10000) / 10000.0)
    return vals


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.requests = 0
        self.inputs = 0
        self.batches = []
        self.auth = None
        self.dimensions = None
        self.base = {}
        self.packed = {}
        self.b64 = {}

    def encoded(self, dims):
        """The base64 vector of every offset, computed once."""
        if dims not in self.b64:
            packed = self.table(dims)[1]
            self.b64[dims] = [base64.b64encode(
                packed[4 * o:4 * (o + dims)]).decode()
                for o in range(dims)]
        return self.b64[dims]

    def table(self, dims):
        if dims not in self.base:
            self.base[dims] = base_table(dims)
            self.packed[dims] = struct.pack("<%df" % (2 * dims),
                                            *self.base[dims])
        return self.base[dims], self.packed[dims]


def offset(text, dims):
    return zlib.crc32(text.encode("utf-8")) % dims


def vector(text, dims):
    base = base_table(dims)
    o = offset(text, dims)
    return [struct.unpack("<f", struct.pack("<f", v))[0]
            for v in base[o:o + dims]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle
    # and the client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True

    # When the answer is due: --latency after the request came in, so
    # that the server's own work is part of the latency, not added to it.
    due = 0.0

    def log_message(self, *a):
        pass

    def send(self, code, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        wait = self.due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        st = self.server.state
        self.due = 0.0
        if self.path != "/stats":
            self.send(404, '{"error":"not found"}')
            return
        with st.lock:
            body = json.dumps({"requests": st.requests,
                               "inputs": st.inputs,
                               "batches": st.batches,
                               "auth": st.auth,
                               "dimensions": st.dimensions})
        self.send(200, body)

    def do_POST(self):
        st = self.server.state
        a = st.args
        self.due = time.monotonic() + a.latency
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        with st.lock:
            st.requests += 1
            k = st.requests
            if st.requests >= a.max_requests:
                threading.Thread(target=self.server.shutdown,
                                 daemon=True).start()
        try:
            req = json.loads(raw)
            inputs = req["input"]
            if isinstance(inputs, str):
                inputs = [inputs]
        except (ValueError, KeyError, TypeError):
            self.send(400, '{"error":"bad request"}')
            return
        with st.lock:
            st.inputs += len(inputs)
            st.batches.append(len(inputs))
            st.auth = self.headers.get("Authorization")
            st.dimensions = req.get("dimensions")
        bad = k > a.skip and (a.fail < 0 or k <= a.skip + a.fail)
        mode = a.mode if bad else "ok"
        if mode == "slow":
            time.sleep(a.delay)
        if mode == "jitter":
            time.sleep(random.random() * a.delay)
        if mode == "close":
            self.close_connection = True
            return
        if mode == "echo-auth":
            self.send(401, json.dumps({"error": {
                "message": "invalid key: %s" % self.headers.get(
                    "Authorization"),
                "key": (self.headers.get("Authorization") or "")[7:]}}))
            return
        if mode in ("429", "500", "400"):
            hdr = [("Retry-After", a.retry_after)] if mode == "429" else []
            self.send(int(mode), '{"error":{"message":"mock %s"}}' % mode,
                      hdr)
            return
        if mode == "malformed":
            self.send(200, '{"data": [ {"embedding": "AAAA", ')
            return
        dims = req.get("dimensions") or a.dims
        base, packed = st.table(dims)
        b64 = req.get("encoding_format") == "base64" and mode not in (
            "floats", "nan")
        if b64 and mode in ("ok", "slow", "jitter"):
            # The common case, kept cheap for the benchmark.
            enc = st.encoded(dims)
            items = ['{"object":"embedding","index":%d,"embedding":"%s"}'
                     % (i, enc[offset(t, dims)])
                     for i, t in enumerate(inputs)]
            self.send(200, '{"object":"list","data":[%s],"model":%s}'
                      % (",".join(items), json.dumps(req.get("model"))))
            return
        data = []
        for i, t in enumerate(inputs):
            o = offset(t, dims)
            d = dims + 1 if (mode == "dims" and i == 1) else dims
            if b64:
                if d > dims:
                    emb = base64.b64encode(packed[4 * o:4 * (o + d)] +
                                           b"\0\0\0\0").decode()
                else:
                    emb = base64.b64encode(packed[4 * o:4 * (o + d)]
                                           ).decode()
            else:
                emb = vector(t, d)
                if mode == "nan":
                    emb = "[%s]" % ",".join(["NaN"] + [repr(x)
                                                       for x in emb[1:]])
            data.append({"object": "embedding", "index": i,
                         "embedding": emb})
        if mode == "count":
            data = data[:-1]
        if mode == "index" and len(data) > 1:
            data[1]["index"] = 0
        if mode == "reversed":
            data.reverse()
        body = json.dumps({"object": "list", "data": data,
                           "model": req.get("model"),
                           "usage": {"prompt_tokens": 0,
                                     "total_tokens": 0}})
        if mode == "nan":
            body = body.replace('"[NaN', "[NaN").replace(']"', "]")
        self.send(200, body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file")
    p.add_argument("--mode", default="ok")
    p.add_argument("--fail", type=int, default=-1)
    p.add_argument("--skip", type=int, default=0)
    p.add_argument("--delay", type=float, default=1.0)
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--retry-after", default="1")
    p.add_argument("--dims", type=int, default=8)
    p.add_argument("--lifetime", type=float, default=60.0)
    p.add_argument("--max-requests", type=int, default=100000)
    p.add_argument("--vector")
    a = p.parse_args()
    if a.vector is not None:
        print(json.dumps(vector(a.vector, a.dims)))
        return
    ThreadingHTTPServer.request_queue_size = 128
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(a)
    timer = threading.Timer(a.lifetime, srv.shutdown)
    timer.daemon = True
    timer.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever(poll_interval=0.1)
    finally:
        srv.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
