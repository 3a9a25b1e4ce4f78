"""Indicator outcomes from a Kolada export (API v2/v3 shape), so contributors confirm instead of type.

Shape: ``{"values": [{"kpi": "N15033", "municipality": "0180", "period": 2024,
"values": [{"gender": "T", "value": 34.5}, {"gender": "K", …}, {"gender": "M", …}]}]}``.
The models below are the file's format as users see it (docs/konfiguration.md is generated from them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tertial.errors import TertialError

_GENDERS = {"T": "total", "K": "women", "M": "men"}


class _Export(BaseModel):
    # Kolada's exports carry more keys (count, status, isdeleted …); Tertial reads only these.
    model_config = ConfigDict(extra="ignore", frozen=True)


class KoladaGenderValue(_Export):
    """Ett värde i en rad, för totalen eller för ett kön."""

    gender: str = Field(description="T för totalen, K för kvinnor, M för män; andra värden läses inte.",
                        examples=["T"])
    value: Decimal | None = Field(None, description="Värdet; null när Kolada saknar det (cellen förifylls då inte).",
                                  examples=[34.5])


class KoladaRow(_Export):
    """Ett nyckeltals värden för en kommun (eller enhet) och ett år."""

    kpi: str = Field(description="Koladas nyckeltals-id. Det förifyller indikatorerna i planen som har samma `kpi`.",
                     examples=["N15033"])
    municipality: str | None = Field(None, description="Kommunens id i Kolada. Bara raderna för cykelns "
                                     "`kolada_municipality` läses.", examples=["0180"])
    ou: str | None = Field(None, description="Organisatorisk enhets id i Kolada, i stället för `municipality`, för en "
                           "export per enhet; jämförs också med cykelns `kolada_municipality`.", examples=["V15E018000301"])
    period: int = Field(description=(
        "Året värdena gäller: cykelns år förifyller periodens utfall, året före föregående utfall; andra år läses inte."),
        examples=[2024])
    values: list[KoladaGenderValue] = Field(
        default_factory=list, description="Värdena: totalen (T) och, för en indikator uppdelad på kön, kvinnor (K) och "
                                          "män (M).")


class KoladaFile(_Export):
    """En export från Kolada (JSON), given till `tertial open --kolada`."""

    values: list[KoladaRow] = Field(description="En rad per nyckeltal, kommun och år.")


@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    period: int
    total: Decimal | None = None
    men: Decimal | None = None
    women: Decimal | None = None


def read_kolada(path: Path, municipality: str) -> dict[tuple[str, int], KoladaValue]:
    """Values for one municipality (or organisational unit), keyed by (kpi, period)."""
    from tertial.config import swedish_problems

    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TertialError(f"Kolada-filen {name} kan inte läsas: förväntade JSON med nyckeln 'values'.") from exc
    try:
        export = KoladaFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(swedish_problems(exc, KoladaFile, data))
        raise TertialError(f"Kolada-filen {name} har fel form: {problems}. Se docs/konfiguration.md (Kolada-filen).") from exc
    found: dict[tuple[str, int], KoladaValue] = {}
    for row in export.values:
        if (row.municipality or row.ou or "") != municipality:
            continue
        by_gender = {_GENDERS[v.gender]: v.value for v in row.values if v.gender in _GENDERS}
        found[(row.kpi, row.period)] = KoladaValue(row.kpi, row.period, **by_gender)
    return found
