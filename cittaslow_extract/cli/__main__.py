"""`python -m cittaslow_extract.cli`: the command, as the console script runs it."""

from cittaslow_extract.cli.command import cli

cli()
