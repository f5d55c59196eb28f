#!/usr/bin/env python3
"""pty_run.py -- run a shell command with a pseudo-terminal as its stderr.

Usage: pty_run.py RAW SCREEN COMMAND

COMMAND runs under /bin/sh -c with stdin from /dev/null, stdout and
stderr on a new pseudo-terminal (redirect stdout in COMMAND to keep it
off the terminal).  Everything the terminal received is written to RAW
as is, and to SCREEN as the lines a terminal would show once the command
has ended: "\\r" returns to the first column, "ESC[K" erases to the end
of the line, other characters overwrite what is under the cursor.  Exits
with the command's status.
"""
import os
import pty
import re
import sys


def screen(data):
    lines, row, col = [""], 0, 0
    for m in re.finditer(rb"\x1b\[[0-9;]*[A-Za-z]|\r|\n|[^\x1b\r\n]+|\x1b",
                         data):
        t = m.group(0)
        if t == b"\r":
            col = 0
        elif t == b"\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append("")
        elif t == b"\x1b[K":
            lines[row] = lines[row][:col]
        elif t.startswith(b"\x1b"):
            pass
        else:
            s = t.decode("utf-8", "replace")
            cur = lines[row].ljust(col)
            lines[row] = cur[:col] + s + cur[col + len(s):]
            col += len(s)
    while lines and lines[-1] == "":
        lines.pop()
    return "".join(line + "\n" for line in lines)


def main():
    raw_path, screen_path, command = sys.argv[1:4]
    pid, fd = pty.fork()
    if pid == 0:
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.execv("/bin/sh", ["sh", "-c", command])
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    _, st = os.waitpid(pid, 0)
    with open(raw_path, "wb") as f:
        f.write(data)
    with open(screen_path, "w") as f:
        f.write(screen(data))
    sys.exit(os.waitstatus_to_exitcode(st))


main()
