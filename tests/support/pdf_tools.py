"""Read a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdfimages, pdftoppm) in tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=120).stdout


def page_texts(pdf: Path, *, layout: bool = False, raw: bool = False) -> list[str]:
    """The text of each page, split at form feeds: pdftotext in reading order, keeping the layout, or raw.

    Raw is the order the text was drawn in: a table cell's wrapped lines stay together (in reading
    order, a hash wrapped in one cell interleaves with its neighbour cell's lines).
    """
    mode = ["-layout"] if layout else ["-raw"] if raw else []
    pages = _run("pdftotext", *mode, "-enc", "UTF-8", str(pdf), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields (Title, Author, Creator, Pages, …)."""
    fields = {}
    for line in _run("pdfinfo", str(pdf)).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def fonts(pdf: Path) -> list[dict[str, str]]:
    """One row per font: name, type and whether it is embedded ("emb" yes/no)."""
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the last six columns are fixed
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def images(pdf: Path) -> list[str]:
    """The rows of ``pdfimages -list`` (an empty list: the PDF holds no raster image)."""
    return [line for line in _run("pdfimages", "-list", str(pdf)).splitlines()[2:] if line.strip()]


def render_pages(pdf: Path, folder: Path, dpi: int = 20) -> list[Path]:
    """Render every page to PNG with pdftoppm (raises if poppler cannot); the images, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(folder / "page")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert result.stderr == "", f"pdftoppm complained about {pdf}: {result.stderr[:500]}"
    return sorted(folder.glob("page-*.png"))
