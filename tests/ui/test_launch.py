"""`newstui --demo` through the real console entry, in a real pseudo-terminal.

The reader appends the moment it first painted the headlines to $NEWSTUI_STARTUP_LOG and, with
$NEWSTUI_EXIT_AFTER_PAINT, quits: the test then reads what the terminal was sent.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def run_in_pty(args: list[str], env: dict[str, str], cols: int = 120, rows: int = 36) -> tuple[int, str]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        try:
            while data := os.read(master, 65536):
                chunks.append(data)
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    try:
        code = proc.wait(timeout=60)
    finally:
        reader.join(5)
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_newstui_demo_paints_the_reader_in_a_terminal(tmp_path):
    log = tmp_path / "paint.log"
    env = dict(
        os.environ, TERM="xterm-256color", NEWSTUI_STARTUP_LOG=str(log), NEWSTUI_EXIT_AFTER_PAINT="1"
    )
    code, screen = run_in_pty([sys.executable, "-m", "newstui.cli", "--demo"], env)
    assert code == 0, screen[-2000:]
    assert log.read_text().strip(), "the reader never reported its first paint"
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", screen)
    for pane in ("Topics", "Headlines", "Article", "Related"):
        assert pane in text
    for feed in ("Harbour Gazette", "Pacific Wire", "The Ledger", "Circuit"):
        assert feed in text  # the headlines came from the demo store in the first frame
    assert "Traceback" not in text
