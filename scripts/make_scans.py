"""Scanned copies of the sample PDFs, for the OCR tests and bench/bench_ocr.py.

A scan here is what an office's copier makes of a printed submission: every page rendered with
pypdfium2 to a grey image at 200 dpi, turned by a slight skew (alternating ±0.5°), with mild
Gaussian noise and a few dark specks, saved as an image-only PDF (no text layer) or as PNG / TIFF
files.  Seeded: the same source gives the same pixels every time.  Nothing is committed: the tests
make their scans in a temporary folder.

    python scripts/make_scans.py samples/community-en.word.pdf out/scan.pdf [--pages 2]

`agreement()` measures a scan's result against the born-digital PDF's with the check comparison
(check.compare over golden snapshots): the share of projects found and of field texts identical.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCAN_DPI = 200
SKEW_DEGREES = 0.5
NOISE_SIGMA = 8.0  # grey levels (0-255)
SPECK_SHARE = 0.0001  # share of pixels turned black
TEXT_COLUMNS = ("criterion", "subcriterion", "title", "objective", "brief_info", "budget_text",
                "duration_text", "start_text", "end_text", "completed")


def scan_images(source: Path, *, pages: int | None = None, dpi: int = SCAN_DPI,
                skew: float = SKEW_DEGREES, noise: float = NOISE_SIGMA, seed: int = 14) -> list[Any]:
    """The pages of a PDF as scanned grey PIL images."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    document = pdfium.PdfDocument(source)
    images = []
    try:
        for index in range(min(len(document), pages or len(document))):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            angle = skew if index % 2 else -skew
            image = image.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
            pixels = np.asarray(image, dtype=np.float32) + rng.normal(0.0, noise, (image.height, image.width))
            pixels[rng.random(pixels.shape) < SPECK_SHARE] = 0.0
            scanned = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
            images.append(scanned)
    finally:
        document.close()
    return images


def save_pdf(images: list[Any], target: Path, dpi: int = SCAN_DPI) -> Path:
    """An image-only PDF, one page per image (Pillow's PDF writer: no text layer)."""
    images = [image.copy() for image in images]
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target


def save_tiff(images: list[Any], target: Path, dpi: int = SCAN_DPI) -> Path:
    """A multi-page TIFF (deflate-compressed)."""
    images = [image.copy() for image in images]  # a PDF save leaves its encoder settings on them
    images[0].save(target, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=images[1:],
                   compression="tiff_adobe_deflate")
    return target


def save_png(image: Any, target: Path, dpi: int = SCAN_DPI) -> Path:
    image.save(target, "PNG", dpi=(dpi, dpi))
    return target


@dataclass(frozen=True, slots=True)
class Agreement:
    projects: int  # projects of the born-digital PDF
    projects_found: int  # … the scan gives too (matched by the check comparison)
    fields: int  # field texts of those projects (TEXT_COLUMNS, null ones included)
    fields_same: int  # … identical in the scan's result
    differences: tuple[str, ...]  # the check comparison's lines, for a failing test's message

    @property
    def project_share(self) -> float:
        return self.projects_found / self.projects if self.projects else 0.0

    @property
    def field_share(self) -> float:
        return self.fields_same / self.fields if self.fields else 0.0


def agreement(born_digital: Any, scanned: Any) -> Agreement:
    """How much of the born-digital PDF's result (a DocumentResult) the scan's result gives,
    measured with check.compare on the two golden snapshots (mentions left out)."""
    from cittaslow_extract.check import compare, format_differences, project_labels
    from cittaslow_extract.check.golden import snapshot

    expected = snapshot(born_digital, mentions=False)
    actual = snapshot(scanned, mentions=False)
    differences = [d for d in compare(expected, actual) if d.section == "project"]
    projects = len(expected["projects"])
    lost = {d.row for d in differences if d.change == "lost"}
    changed = {(d.row, d.column) for d in differences if d.change == "changed"}
    titles = project_labels(expected["projects"])
    fields_same = 0
    for name in titles:
        if name in lost:
            continue
        fields_same += sum(1 for column in TEXT_COLUMNS if (name, column) not in changed)
    return Agreement(
        projects=projects,
        projects_found=projects - len(lost),
        fields=projects * len(TEXT_COLUMNS),
        fields_same=fields_same,
        differences=tuple(format_differences(differences).splitlines()),
    )




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path, help=".pdf, .tif/.tiff or .png (first page)")
    parser.add_argument("--pages", type=int, default=None)
    args = parser.parse_args(argv)
    images = scan_images(args.source, pages=args.pages)
    suffix = args.target.suffix.lower()
    if suffix == ".pdf":
        save_pdf(images, args.target)
    elif suffix in (".tif", ".tiff"):
        save_tiff(images, args.target)
    else:
        save_png(images[0], args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
