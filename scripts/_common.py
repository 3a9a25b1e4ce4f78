"""What the data generators in scripts/ share: paths, the prose files, the YAML writer and the economy wording.

The generators are modules of the package `scripts`, run from the repository root as
`python -m scripts.make_demo_data` and `python -m scripts.make_example_cycles`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tertial.numbers import format_number, parse_number

REPO = Path(__file__).resolve().parents[1]
SEED_DATA = REPO.parent / "shared" / "data"  # the extracted seed rows, beside the repository
PROSE = Path(__file__).resolve().parent / "data"  # the generators' Swedish prose (our own wording) and README templates


@cache
def prose(name: str) -> dict[str, Any]:
    """One YAML file of scripts/data/."""
    return yaml.safe_load((PROSE / name).read_text(encoding="utf-8"))


def render(template: str, **values: object) -> str:
    """A README template of scripts/data/ with its {placeholders} filled."""
    return (PROSE / template).read_text(encoding="utf-8").format(**values)

# --------------------------------------------------------------------------- writing YAML


class Flow(dict):
    """A mapping written on one line in YAML (goals, activities, economy rows)."""


class Quoted(str):
    """A string always written in double quotes (goal numbers, which would otherwise read as numbers)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=True))
_Dumper.add_representer(Quoted, lambda d, data: d.represent_scalar("tag:yaml.org,2002:str", str(data), style='"'))


def write_yaml(path: Path, document: dict[str, Any], header: str) -> None:
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text(header + text, encoding="utf-8")

# --------------------------------------------------------------------------- economy wording


def mnkr(value: Decimal) -> str:
    return format_number(value, 1)


def signed_result(deviation: Decimal) -> str:
    if deviation == 0:
        return "ett utfall i nivå med budget"
    return f"ett {'överskott' if deviation > 0 else 'underskott'} på {mnkr(abs(deviation))} mnkr"


def area_text(values: dict[str, str], cause: str) -> str:
    num = {key: parse_number(raw) or Decimal(0) for key, raw in values.items()}
    frame = num["budget"] + num["requested"] + num["performance"]
    before, funds = frame - num["forecast_before"], num["forecast_before"] - num["forecast_after"]
    text = f"Verksamhetsområdet prognostiserar {signed_result(num['deviation'])} efter resultatöverföringar."
    if funds:
        text += (f" Före resultatöverföringar är det {signed_result(before)}; resultatenheterna räknar med "
                 f"att ta {mnkr(funds)} mnkr ur sina fonder.")
    return f"{text} {cause}"
