"""What the council published of the sample quarter's narrative, and the numbers in a text."""

from __future__ import annotations

import csv
import re

from tests.support.paths import SAMPLE_DIR

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """Every number in ``text``, without thousands separators."""
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


def published_rows() -> list[dict[str, str]]:
    with (SAMPLE_DIR / "published_narrative.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


HEADINGS = [r for r in published_rows() if not r["driver"] or r["driver"] == "(portfolio)"]


DRIVERS = [r for r in published_rows() if r["driver"] and r["driver"] != "(portfolio)"]
