"""OCR with Tesseract: pages without a text layer (or every page, with --ocr always) rendered to
images and read by Tesseract; its hOCR is turned into words by ocr_words.py.

Tesseract runs as its own process (`tesseract stdin stdout … hocr`), one call per page, with one
thread (OMP_THREAD_LIMIT=1: on a 2-core machine its OpenMP threads cost 5x the time, and workers
already use the cores).  The child inherits the worker's --max-memory cap and dies with its worker
(PR_SET_PDEATHSIG), so --timeout and --max-memory hold for OCR too.

PageCollector stands between a PDF reader and its LayoutBuilder; OcrStats and mark_ocr record what
OCR did on the RawDocument (pages, confidence, ocr_low_confidence).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cittaslow_extract.errors import ExtractionError, OcrUnavailable
from cittaslow_extract.models import RawDocument
from cittaslow_extract.read.ocr_words import OcrPage, parse_hocr, snap_sizes, words_from_lines
from cittaslow_extract.read.pdf_words import Rule, Word

RENDER_DPI = 300  # pages rasterised for OCR (Tesseract's recommended resolution) …
_MIN_DPI, _MAX_DPI = 150, 400  # … or a page-filling scan's own resolution, within these
DENOISE = True  # median filter before OCR (bench/bench_ocr.py measures it: see README)
LOW_CONFIDENCE = 60.0  # mean word confidence (0-100) under which a page gets ocr_low_confidence
DEFAULT_LANGUAGES = "tur+eng"
INSTALL_HINT = "install the Debian packages tesseract-ocr tesseract-ocr-tur tesseract-ocr-eng"


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


_CHECKED: dict[str, str] = {}  # languages → "" when usable, else the reason


def check_tesseract(languages: str, path: Path | str = "") -> None:
    """Raise OcrUnavailable (one line, the packages to install) unless Tesseract can read
    `languages`; checked once per process."""
    reason = _CHECKED.get(languages)
    if reason is None:
        reason = _CHECKED[languages] = _tesseract_problem(languages)
    if reason:
        raise OcrUnavailable(path, reason)


def _tesseract_problem(languages: str) -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        return f"OCR needs Tesseract, which is not installed: {INSTALL_HINT}"
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not run ({exc}): {INSTALL_HINT}"
    have = {line.strip() for line in listed.stdout.splitlines()[1:]}
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        return f"Tesseract has no language data for {'+'.join(missing)}: install the Debian package(s) {packages}"
    return ""


def tesseract_hocr(image: Any, languages: str, dpi: int, path: Path | str = "") -> str:
    """hOCR of one PIL image (grey), from a Tesseract child process."""
    import io

    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable(path, f"OCR needs Tesseract, which is not installed: {INSTALL_HINT}")
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # grey: a raw PGM, half the time of the fastest PNG, same hOCR
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "-l", languages, "--dpi", str(dpi), "--psm", "3", "hocr"],
            input=buffer.getvalue(), capture_output=True, env=env, preexec_fn=die_with_parent,
        )
    except OSError as exc:
        raise OcrUnavailable(path, f"Tesseract cannot be started ({exc}): {INSTALL_HINT}") from exc
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:160]
        if done.returncode < 0 or "memory" in message.casefold():
            raise MemoryError(message)  # killed by the --max-memory cap it inherited
        raise ExtractionError(path, f"Tesseract failed on a page ({message or done.returncode})")
    return done.stdout.decode("utf-8", "replace")


def ocr_image(image: Any, languages: str, dpi: int, path: Path | str = "", denoise: bool = True) -> OcrPage:
    """Words of one page image; the page is image.width × image.height pixels at `dpi`."""
    if denoise:
        image = despeckle(image)
    lines = parse_hocr(tesseract_hocr(image, languages, dpi, path))
    return words_from_lines(lines, float(image.width), float(image.height), float(dpi))


def despeckle(image: Any) -> Any:
    """A 3×3 median filter: removes the specks and grain a copier adds, which Tesseract otherwise
    reads as stray punctuation ("©", "_", "-") at the start or end of a line."""
    from PIL import ImageFilter

    return image.filter(ImageFilter.MedianFilter(3))


def render_dpi(page: Any) -> int:
    """The resolution to rasterise a PDF page at for OCR: a page that is one scanned image at
    that image's own resolution (resampling it only blurs it: 200 dpi scans read better at 200
    than at 300), any other page at RENDER_DPI."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    best = 0.0
    dpi = RENDER_DPI
    for image in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = image.get_bounds()
        area = (right - left) * (top - bottom)
        if area <= best or area < 0.5 * width * height:
            continue
        pixels = max(image.get_px_size())
        extent = max(right - left, top - bottom) / 72.0
        if extent > 0:
            best = area
            dpi = int(round(pixels / extent))
    return min(max(dpi, _MIN_DPI), _MAX_DPI)


# --------------------------------------------------------------------------- documents
@dataclass(slots=True)
class OcrStats:
    pages: int = 0
    confidences: list[float] = field(default_factory=list)
    low_confidence_pages: list[int] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        """Mean word confidence over every OCR'd page, 0-100, to one decimal."""
        return round(statistics.fmean(self.confidences), 1) if self.confidences else None

    def add(self, number: int, page: OcrPage) -> None:
        """Count OCR'd page `number` and its word confidences."""
        self.pages += 1
        self.confidences.extend(page.confidences)
        if page.confidence is not None and page.confidence < LOW_CONFIDENCE:
            self.low_confidence_pages.append(number)


class PageCollector:
    """Stands between a PDF reader and its LayoutBuilder: pages without a text layer (or every
    page with --ocr always) are rasterised with pypdfium2 and OCR'd; every page is handed to the
    builder at the end, once the OCR'd sizes are snapped over the whole document.

    Only Word lists are kept between pages (the engine's page objects are released as before).
    """

    def __init__(self, builder: Any, path: Path, options: Any) -> None:
        self.builder = builder
        self.path = path
        self.mode = getattr(options, "ocr", "auto")
        self.languages = getattr(options, "ocr_lang", DEFAULT_LANGUAGES)
        self.password = getattr(options, "password", None)
        self.pages: list[tuple[int, float, float, list[Word], list[Rule]]] = []
        self.ocr_words: list[list[Word]] = []
        self.stats = OcrStats()
        self._document: Any = None

    def add(self, number: int, width: float, height: float, words: list[Word],
            page: Any = None, rules: list[Rule] | None = None) -> None:
        """A page as the reader saw it; `page` is the reader's pypdfium2 page, if it has one, and
        `rules` its drawn lines (table borders)."""
        if self.mode == "always" or (self.mode == "auto" and not words):
            words = self._ocr(number, page)
        self.pages.append((number, width, height, words, list(rules or [])))

    def _ocr(self, number: int, page: Any) -> list[Word]:
        try:
            check_tesseract(self.languages, self.path)
        except OcrUnavailable as exc:
            raise OcrUnavailable(self.path, f"page {number} has no text layer to read without OCR; {exc.reason}") from exc
        if page is None:
            page = self._pdfium_page(number)
        dpi = render_dpi(page)
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            image = bitmap.to_pil().convert("L")
        finally:
            bitmap.close()
        result = ocr_image(image, self.languages, dpi, self.path, denoise=DENOISE)
        self.stats.add(number, result)
        self.ocr_words.append(result.words)
        return result.words

    def _pdfium_page(self, number: int) -> Any:
        import pypdfium2 as pdfium

        if self._document is None:
            self._document = pdfium.PdfDocument(self.path, password=self.password)
        return self._document[number - 1]

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None

    def finish(self) -> OcrStats:
        """Hand every page to the builder (OCR'd sizes snapped first)."""
        snap_sizes(self.ocr_words)
        for number, width, height, words, rules in self.pages:
            self.builder.add_page(number, width, height, words, rules)
        self.pages.clear()
        return self.stats


def ocr_warnings(stats: OcrStats) -> list[str]:
    return ["ocr_low_confidence"] if stats.low_confidence_pages else []


def mark_ocr(document: RawDocument, stats: OcrStats) -> RawDocument:
    """Record the OCR facts on a RawDocument."""
    document.ocr_pages = stats.pages
    document.ocr_confidence = stats.confidence
    for warning in ocr_warnings(stats):
        if warning not in document.warnings:
            document.warnings.append(warning)
    return document


def no_text_reason(mode: str, stats: OcrStats) -> str:
    """Why a PDF gave no text, by what OCR did."""
    if mode == "never":
        return "no text layer (a scanned or image-only PDF?); OCR is off (--ocr never)"
    if stats.pages:
        return "no text layer, and OCR found no text on its pages (a blank or image-only PDF?)"
    return "no text layer (a scanned or image-only PDF?)"
