#!/usr/bin/env bash
# System packages the pipeline uses beside its Python dependencies (Debian/Ubuntu, as root):
#   LibreOffice headless  - legacy .doc/.rtf/.odt conversions and the layout corpus (soffice --convert-to pdf)
#   Tesseract + tur, eng  - OCR of scanned submissions
#   DejaVu, Liberation    - fonts with every Turkish letter for rendered and converted documents
#   poppler-utils         - pdftoppm, to look at rendered pages
# Idempotent: packages already present are left as they are.  Run as root (CI is root):
#   bash scripts/install-system-deps.sh        (or: sudo bash scripts/install-system-deps.sh)
set -euo pipefail
PACKAGES=(
  libreoffice-writer-nogui libreoffice-calc-nogui
  tesseract-ocr tesseract-ocr-tur tesseract-ocr-eng
  fonts-dejavu-core fonts-liberation poppler-utils
)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
