#!/usr/bin/python3
"""cpu.py -- run a command for a benchmark and measure it.

Usage: cpu.py OUT ERR CMD...

Runs CMD with its standard output to OUT and its standard error to ERR,
and prints its CPU seconds (user + system, from wait4), its wall seconds
and its peak resident set in KiB (ru_maxrss), separated by spaces.  A
command that fails has its ERR printed, and cpu.py exits with a message.
"""
import os
import subprocess
import sys
import time

out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.perf_counter()
with open(out, "w") as fo, open(err, "w") as fe:
    p = subprocess.Popen(cmd, stdout=fo, stderr=fe)
    _, st, ru = os.wait4(p.pid, 0)
    p.returncode = st
wall = time.perf_counter() - t
if st != 0:
    sys.stderr.write(open(err).read())
    sys.exit("cpu.py: %s failed (wait status %d)" % (" ".join(cmd), st))
print("%.6f %.6f %d" % (ru.ru_utime + ru.ru_stime, wall, ru.ru_maxrss))
