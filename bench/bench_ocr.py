"""OCR speed and the effect of the image clean-up, on scans generated from the samples.

    python bench/bench_ocr.py [--copies 2] [--repeat 3]

1. Speed: `cittaslow-extract` over scanned copies of the English and Turkish sample PDFs (every
   page rendered at 200 dpi grey with skew and noise, scripts/make_scans.py), with `--workers 1`
   and `--workers 2`, `--no-mentions`; pages per second of the whole command (median of --repeat
   fresh runs), the speed-up of 2 workers over 1 measured in the same run, and the check that the
   tables are byte-identical.  The same command over the born-digital PDFs gives the baseline of a
   run without OCR.
2. Clean-up: the share of field texts identical to the born-digital PDF's result (the check
   comparison, scripts/make_scans.agreement) with the default pipeline (the scan's own resolution,
   median filter), without the median filter, resampled to 300 dpi, and with Otsu binarisation.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = ("community-en.word.pdf", "yonetisim-tr.word.pdf")
sys.path.insert(0, str(REPO))


def _make_scans() -> Any:
    spec = importlib.util.spec_from_file_location("make_scans", REPO / "scripts" / "make_scans.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scans"] = module
    spec.loader.exec_module(module)
    return module


def _run(inputs: Path, out: Path, workers: int) -> float:
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, str(REPO / "pipeline.py"), str(inputs), "--out", str(out), "--format", "csv",
               "--workers", str(workers), "--no-mentions", "--quiet"]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _tables(out: Path) -> str:
    digest = hashlib.sha256()
    for name in ("projects", "criteria", "documents"):
        digest.update((out / f"{name}.csv").read_bytes())
    return digest.hexdigest()


def speed(work: Path, scans: Any, copies: int, repeat: int) -> None:
    inputs, born = work / "scans", work / "born"
    inputs.mkdir()
    born.mkdir()
    pages = 0
    for sample in SAMPLES:
        images = scans.scan_images(REPO / "samples" / sample)
        for copy in range(copies):
            scans.save_pdf(images, inputs / f"{copy}-{sample}")
            shutil.copy(REPO / "samples" / sample, born / f"{copy}-{sample}")
            pages += len(images)
    print(f"{pages} scanned pages in {len(SAMPLES) * copies} PDFs; median of {repeat} runs")
    print("| batch | `--workers 1` | `--workers 2` | speed-up | pages/s (1) | pages/s (2) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, folder in (("scans (OCR)", inputs), ("born-digital PDFs", born)):
        times: dict[int, float] = {}
        digests: dict[int, str] = {}
        for workers in (1, 2):
            runs = []
            for _ in range(repeat):
                runs.append(_run(folder, work / f"out-{workers}", workers))
            times[workers] = statistics.median(runs)
            digests[workers] = _tables(work / f"out-{workers}")
        same = "identical" if digests[1] == digests[2] else "DIFFERENT"
        print(f"| {name} | {times[1]:.2f} s | {times[2]:.2f} s | {times[1] / times[2]:.2f}x "
              f"| {pages / times[1]:.2f} | {pages / times[2]:.2f} |  tables {same}")


def cleanup(work: Path, scans: Any) -> None:
    from cittaslow_extract.pipeline import RunConfig, process_document
    from cittaslow_extract.read import ocr

    despeckle, render_dpi = ocr.despeckle, ocr.render_dpi

    def otsu(image: Any) -> Any:
        import numpy as np

        image = despeckle(image)
        histogram = np.bincount(np.asarray(image).ravel(), minlength=256).astype(float)
        levels = np.arange(256)
        below = np.cumsum(histogram)
        above = below[-1] - below
        mass = np.cumsum(histogram * levels)
        between = below * above * (mass / np.maximum(below, 1) - (mass[-1] - mass) / np.maximum(above, 1)) ** 2
        threshold = int(np.argmax(between))
        return image.point(lambda v: 255 if v > threshold else 0)

    variants = {
        "default: scan's own dpi, median filter": {},
        "no median filter": {"DENOISE": False},
        "resampled to 300 dpi, median filter": {"render_dpi": lambda page: 300},
        "median filter + Otsu binarisation": {"despeckle": otsu},
    }
    config = RunConfig(mentions=False)
    files = {}
    for sample in SAMPLES:
        files[sample] = scans.save_pdf(scans.scan_images(REPO / "samples" / sample), work / f"clean-{sample}")
    print("| variant | " + " | ".join(f"{s} fields" for s in SAMPLES) + " | s/page |")
    print("| --- |" + " --- |" * (len(SAMPLES) + 1))
    for name, patch in variants.items():
        saved = {key: getattr(ocr, key) for key in patch}
        for key, value in patch.items():
            setattr(ocr, key, value)
        try:
            cells, seconds, pages = [], 0.0, 0
            for sample in SAMPLES:
                born = process_document(REPO / "samples" / sample, config)
                start = time.perf_counter()
                scanned = process_document(files[sample], config)
                seconds += time.perf_counter() - start
                pages += scanned.document.page_count or 0
                measured = scans.agreement(born, scanned)
                cells.append(f"{measured.fields_same}/{measured.fields} ({100 * measured.field_share:.1f} %)")
        finally:
            for key, value in saved.items():
                setattr(ocr, key, value)
        print(f"| {name} | " + " | ".join(cells) + f" | {seconds / pages:.2f} |")
    ocr.despeckle, ocr.render_dpi = despeckle, render_dpi


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of each scanned sample (5 pages each)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-cleanup", action="store_true")
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        print("tesseract is not installed: sudo bash scripts/install-system-deps.sh")
        return 1
    scans = _make_scans()
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as folder:
        work = Path(folder)
        speed(work, scans, args.copies, args.repeat)
        if not args.skip_cleanup:
            print()
            cleanup(work, scans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
