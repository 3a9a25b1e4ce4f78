"""Indicator outcomes from a Kolada export (API v2/v3 shape), so contributors confirm instead of type.

Shape: ``{"values": [{"kpi": "N15033", "municipality": "0180", "period": 2024,
"values": [{"gender": "T", "value": 34.5}, {"gender": "K", …}, {"gender": "M", …}]}]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tertial.errors import TertialError

_GENDERS = {"T": "total", "K": "women", "M": "men"}


@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    period: int
    total: Decimal | None = None
    men: Decimal | None = None
    women: Decimal | None = None


def read_kolada(path: Path, municipality: str) -> dict[tuple[str, int], KoladaValue]:
    """Values for one municipality (or organisational unit), keyed by (kpi, period)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = data["values"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TertialError(f"Kolada-filen {Path(path).name} kan inte läsas: förväntade JSON med nyckeln 'values'.") from exc
    found: dict[tuple[str, int], KoladaValue] = {}
    for row in rows:
        place = str(row.get("municipality") or row.get("ou") or "")
        if place != municipality or "kpi" not in row or "period" not in row:
            continue
        by_gender = {_GENDERS[v["gender"]]: _decimal(v.get("value")) for v in row.get("values", []) if v.get("gender") in _GENDERS}
        found[(row["kpi"], int(row["period"]))] = KoladaValue(row["kpi"], int(row["period"]), **by_gender)
    return found


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
