"""The command line: options documented, --help light, exit codes, progress and quiet output."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cittaslow_extract.cli import EXIT_NOT_FINISHED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, build_parser, main
from cittaslow_extract.cli.check import build_parser as check_parser
from cittaslow_extract.cli.explain import build_parser as explain_parser

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "community-en.txt"
HEAVY_MODULES = ("spacy", "pandas", "pdfplumber", "pyarrow", "pypdfium2", "docx", "numpy", "tqdm", "distributed")


def run_main(argv: list[str]) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stderr.getvalue()


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cittaslow_extract.cli", *args],
        capture_output=True, text=True, cwd=kwargs.pop("cwd", REPO), timeout=300, **kwargs,
    )


def test_help_works_without_importing_heavy_libraries():
    code = (
        "import sys\n"
        "from cittaslow_extract.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exc:\n    assert exc.code == 0\n"
        f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--incremental" in done.stdout and "Exit codes" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def readme_section(heading: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def long_options(parser) -> list[str]:
    return sorted(o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help")


DOCUMENTED = [  # (command, option, the README section that must name it)
    *[("cittaslow-extract", option, "Usage") for option in long_options(build_parser())],
    *[("check", option, "Samples and regression checking") for option in long_options(check_parser())],
    *[("explain", option, "Segmentation") for option in long_options(explain_parser())],
]


@pytest.mark.parametrize("command, option, section", DOCUMENTED)
def test_every_option_is_documented_in_the_readme(command, option, section):
    assert re.search(rf"`{re.escape(option)}\b", readme_section(section)), f"{command} {option} missing from README ## {section}"


def test_version():
    done = cli("--version")
    assert done.returncode == 0 and re.fullmatch(r"cittaslow-extract \d+\.\d+\.\d+\n", done.stdout)


USAGE_ERRORS = [  # (arguments, message part)
    (["missing-folder", "--out", "{out}"], "missing-folder: no such file or folder"),
    ([str(SAMPLE)], "the following arguments are required: --out"),
    ([str(SAMPLE), "--out", "{out}", "--workers", "0"], "--workers must be at least 1"),
    ([str(SAMPLE), "--out", "{out}", "--timeout", "-1"], "--timeout and --max-memory must be 0"),
    ([str(SAMPLE), "--out", "{out}", "--scheduler", "tcp://127.0.0.1:8786"], "need --engine dask"),
    ([str(SAMPLE), "--out", "{out}", "--engine", "dask", "--dask-output", "partitioned", "--format", "csv"],
     "writes Parquet only"),
    ([str(SAMPLE), "--out", str(SAMPLE)], "exists and is not a folder"),
    ([str(SAMPLE), "--out", "{out}", "--format", "ods"], "invalid choice: 'ods'"),
]


@pytest.mark.parametrize("argv, message", USAGE_ERRORS, ids=[m for _, m in USAGE_ERRORS])
def test_usage_errors_exit_2_with_one_line(argv, message, tmp_path):
    code, stderr = run_main([a.replace("{out}", str(tmp_path / "out")) for a in argv])
    assert code == EXIT_USAGE
    assert stderr.startswith("error: ") and message in stderr and stderr.count("\n") == 1


def test_all_ok_exits_0_and_prints_plain_progress_off_a_terminal(tmp_path):
    done = cli(str(SAMPLE), "--out", str(tmp_path / "out"), "--no-mentions")
    assert done.returncode == EXIT_OK, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("progress: 1/1 files, 0 failed, 0 reused, ")
    assert lines[-1] == f"1 documents (0 failed, 0 reused), 9 projects → {tmp_path / 'out'}"
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "cittaslow-run.json", "criteria.csv", "criteria.parquet", "documents.csv", "documents.parquet", "projects.csv", "projects.parquet",
    ]


def test_a_failed_document_exits_1_and_quiet_prints_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    done = cli(str(SAMPLE), str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"), "--quiet")
    assert (done.returncode, done.stderr, done.stdout) == (EXIT_SOME_FAILED, "", "")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "documents.csv").read_text(encoding="utf-8"))))
    assert [(r["status"], r["error"]) for r in rows] == [("ok", ""), ("failed", "the file is empty")]


def test_progress_bar_on_a_terminal(tmp_path):
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cittaslow_extract.cli", str(SAMPLE), str(SAMPLE.parent),
             "--out", str(tmp_path / "out"), "--no-mentions"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, cwd=REPO, timeout=300,
        )
        os.close(follower)
        follower = -1
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    text = output.decode("utf-8", "replace")
    assert done.returncode == EXIT_OK
    assert "documents:" in text and "pages/s" in text and "file/s" in text  # tqdm's bar
    assert "progress:" not in text


def test_internal_error_exits_3_without_traceback(tmp_path, monkeypatch):
    from cittaslow_extract.export import atomic

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "projects.csv"))

    monkeypatch.setattr(atomic, "stage", broken)
    code, stderr = run_main([str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions"])
    assert code == EXIT_NOT_FINISHED
    assert stderr.startswith("error: No space left on device") and "previous tables left as they were" in stderr
    assert "Traceback" not in stderr
    with pytest.raises(OSError):  # --debug shows the real exception
        main([str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions", "--debug"])


def test_debug_puts_the_traceback_of_a_reader_bug_in_the_reason(tmp_path, monkeypatch):
    from cittaslow_extract import pipeline

    def buggy(path, options):
        raise KeyError("font")

    monkeypatch.setattr(pipeline, "read_document", buggy)
    args = [str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet", "--no-mentions", "--timeout", "0", "--max-memory", "0",
            "--workers", "1", "--format", "csv"]
    assert run_main(args) == (EXIT_SOME_FAILED, "")
    row = next(csv.DictReader(io.StringIO((tmp_path / "out" / "documents.csv").read_text(encoding="utf-8"))))
    assert row["error"] == "internal error: KeyError: 'font'"
    assert run_main([*args, "--debug"])[0] == EXIT_SOME_FAILED
    row = next(csv.DictReader(io.StringIO((tmp_path / "out" / "documents.csv").read_text(encoding="utf-8"))))
    assert row["error"].startswith("internal error: KeyError: 'font' | Traceback") and "\n" not in row["error"]


def test_a_busy_output_folder_is_a_usage_error(tmp_path):
    from cittaslow_extract.export.outputs import output_lock

    with output_lock(tmp_path / "out"):
        code, stderr = run_main([str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == EXIT_USAGE and "another run is writing to this folder" in stderr


def test_incremental_through_the_command_line(tmp_path):
    args = [str(SAMPLE), "--out", str(tmp_path / "out"), "--incremental", "--no-mentions"]
    assert cli(*args, "--quiet").returncode == EXIT_OK
    second = cli(*args)
    assert second.returncode == EXIT_OK
    assert second.stderr.splitlines()[-1].startswith("1 documents (0 failed, 1 reused)")


def test_pipeline_script_in_the_checkout(tmp_path):
    done = subprocess.run([sys.executable, "pipeline.py", "--help"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0 and "cittaslow-extract" in done.stdout
