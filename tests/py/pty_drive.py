"""Drives a command on a pseudo-terminal, as a person at a terminal would (stdlib only).

usage: pty_drive.py SCRIPT.json -- CMD [ARGS...]

SCRIPT.json: {"timeout": SECONDS, "steps": [["expect", REGEX], ["send", TEXT], ...]}
  expect  waits (at most `timeout` seconds) until REGEX matches the terminal output seen since
          the previous match, with ANSI escape sequences removed
  send    types TEXT (Enter is "\r"; arrow up "\u001b[A"; dialoguer's Select also takes j/k)

Prints the whole output (escape sequences removed) on stdout and exits with the command's exit
code; 124 (and the reason on stderr) when an expectation is not met in time or the command
ends first. The command always ends: it is killed when the script gives up.
"""

import json
import os
import pty
import re
import select
import signal
import struct
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def clean(raw: bytes) -> str:
    return ANSI.sub("", raw.decode("utf-8", "replace")).replace("\r", "")


def main() -> int:
    sep = sys.argv.index("--")
    with open(sys.argv[1], encoding="utf-8") as f:
        script = json.load(f)
    argv = sys.argv[sep + 1 :]
    timeout = float(script.get("timeout", 30))

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    try:
        import fcntl
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    except OSError:
        pass

    raw = bytearray()
    eof = False

    def pump(deadline: float) -> None:
        nonlocal eof
        left = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            eof = True
        raw.extend(data)

    def give_up(why: str) -> int:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        sys.stdout.write(clean(bytes(raw)))
        sys.stderr.write(f"pty_drive: {why}\n")
        return 124

    cursor = 0
    for kind, arg in script["steps"]:
        if kind == "expect":
            rx = re.compile(arg)
            deadline = time.monotonic() + timeout
            while True:
                text = clean(bytes(raw))
                m = rx.search(text, cursor)
                if m:
                    cursor = m.end()
                    break
                if eof:
                    return give_up(f"the command ended before {arg!r} was seen")
                if time.monotonic() >= deadline:
                    return give_up(f"{arg!r} not seen within {timeout:.0f} s")
                pump(deadline)
            # Let the prompt switch the terminal mode before answering it.
            time.sleep(0.2)
        elif kind == "send":
            os.write(fd, arg.encode("utf-8"))
        else:
            return give_up(f"unknown step {kind!r}")

    deadline = time.monotonic() + timeout
    while not eof and time.monotonic() < deadline:
        pump(deadline)
    if not eof:
        return give_up(f"the command did not end within {timeout:.0f} s of the last step")
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(clean(bytes(raw)))
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8


if __name__ == "__main__":
    sys.exit(main())
