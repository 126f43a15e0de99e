"""Standard occupations programs target: 2018 SOC titles and codes shipped in soc_occupations.csv."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("soc_occupations.csv")
SECTORS = [
    "Manufacturing", "Healthcare", "Information technology", "Finance and business",
    "Construction and skilled trades", "Logistics and transportation", "Energy and utilities",
    "Hospitality and retail",
]


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    sector: str

    @property
    def label(self) -> str:
        return f"{self.title} ({self.code})"


@cache
def occupations() -> dict[str, Occupation]:
    """Every shipped occupation by SOC code, in the file's order (grouped by sector)."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["soc_code"]: Occupation(row["soc_code"], row["title"], row["sector"])
                for row in csv.DictReader(handle)}


def occupation_label(code: str) -> str:
    """"Machinists (51-4041)"; a code no longer in the list still shows as itself."""
    occupation = occupations().get(code)
    return occupation.label if occupation else code


def by_sector() -> list[tuple[str, list[Occupation]]]:
    """Sectors in order, each with its occupations sorted by title (how the form offers them)."""
    groups: dict[str, list[Occupation]] = {sector: [] for sector in SECTORS}
    for occupation in occupations().values():
        groups.setdefault(occupation.sector, []).append(occupation)
    return [(sector, sorted(items, key=lambda o: o.title)) for sector, items in groups.items() if items]
