"""Runs a command on a pseudo-terminal (so it sees a person there), answers one prompt, and
prints everything it wrote to the terminal; exits with the command's exit code.

    pty_answer.py PROMPT ANSWER COMMAND [ARG...]

ANSWER is typed once PROMPT has appeared (e.g. "y" or "n"). Gives up after 120 s.
"""
import os
import pty
import select
import sys
import time

prompt, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.setdefault("TERM", "xterm")
    os.execvp(argv[0], argv)
out, sent = b"", False
deadline = time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        if not sent and prompt in out:
            os.write(fd, answer)
            sent = True
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
