"""The command line: `cittaslow-extract INPUT... --out DIR` (command.py), `cittaslow-extract check
[FOLDER]` (check.py) and `cittaslow-extract explain FILE` (explain.py), with the options they share
(options.py).

The only layer that knows argparse, prints one-line errors and chooses exit codes; everything it
calls is the library (api.py, batch/, check/, structure/).  Standard library only at import, so
`--help` stays instant.
"""

from cittaslow_extract.cli.command import (
    EXIT_NOT_FINISHED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    build_parser,
    cli,
    main,
    parse_args,
)

__all__ = [
    "EXIT_NOT_FINISHED",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "build_parser",
    "cli",
    "main",
    "parse_args",
]
