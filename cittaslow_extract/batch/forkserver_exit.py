"""Imported by the fork server only (isolation.PRELOAD_MODULES): when the process it serves exits,
the server leaves at once instead of tearing its interpreter down module by module (spaCy, PDF
libraries: about 0.3 s) while still holding that process's stdout and stderr open, which a caller
reading our output to the end (a pipe, subprocess.run(capture_output=True), a CI log) would wait
for.  The server keeps no state, so skipping the teardown loses nothing.

Anywhere else (a test collecting this module, a program importing it) importing it does nothing:
the server is recognised by the command multiprocessing starts it with.
"""

from __future__ import annotations

import atexit
import os
import sys

FORKSERVER_COMMAND = "from multiprocessing.forkserver import main"  # how multiprocessing starts it


def in_fork_server() -> bool:
    """Whether this process is a multiprocessing fork server.

    >>> in_fork_server()
    False
    """
    argv = sys.orig_argv
    return len(argv) >= 2 and argv[-2] == "-c" and argv[-1].startswith(FORKSERVER_COMMAND)


if in_fork_server():
    # atexit runs before the interpreter's teardown; the forked workers never run it (os._exit)
    atexit.register(os._exit, 0)
