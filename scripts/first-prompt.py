"""Time to the first prompt of an interactive shell, through a pty.

Usage: first-prompt.py RUNS MARKER HOME -- COMMAND...

Starts COMMAND RUNS times on a new pseudo-terminal (as its controlling
terminal, with HOME and the rest of the environment as given), measures the
time from the fork until MARKER (the prompt text the rc file sets) appears
in what the shell writes, then types `exit` and waits for it. Answers the
terminal's cursor-position query (ESC [ 6 n) as a terminal would, so a line
editor that asks is not left waiting. Prints one line of JSON: the command's
name and every run's time in seconds.
"""

import json
import os
import pty
import select
import sys
import time


def once(argv, marker):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    seen = b""
    elapsed = None
    deadline = start + 10
    while elapsed is None:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if marker in seen:
            elapsed = time.perf_counter() - start
        elif b"\x1b[6n" in chunk:
            os.write(fd, b"\x1b[1;1R")
    os.write(fd, b"exit\r")
    # Drain until the shell has gone (EIO on the master), then reap it.
    end = time.perf_counter() + 10
    while time.perf_counter() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.exit(f"first-prompt: {argv[0]} never showed {marker!r}; it wrote {seen[-300:]!r}")
    return elapsed


def main():
    runs, marker, home = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
    argv = sys.argv[sys.argv.index("--") + 1 :]
    os.environ["HOME"] = home
    times = [once(argv, marker) for _ in range(runs)]
    print(json.dumps({"command": argv[0], "times": times}))


main()
