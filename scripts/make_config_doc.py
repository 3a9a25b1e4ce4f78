"""Write docs/konfiguration.md: every key of cycle.yaml, plan.yaml, a report profile and a Kolada file.

The text comes from the pydantic models themselves: each key's Swedish `description=`, its type and whether it
is required or its default; each example is the first value the shipped examples (`examples/`, `profiles/`) give the
key, else the field's own `examples=`. Run `python -m scripts.make_config_doc` after changing a model;
tests/test_config_doc.py fails while the committed file differs from what this writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from scripts._common import REPO
from tertial.cycle import EMAIL, CycleConfig
from tertial.kolada import KoladaFile
from tertial.plan import GOAL_NUMBER, ITEM_ID, Plan
from tertial.profile import PART_KEY, ProfileFile
from tertial.vocabulary import ReportKind

TARGET = REPO / "docs" / "konfiguration.md"


@dataclass(frozen=True)
class Document:
    """One configuration file: its model, its heading, what it is, and the shipped files its examples come from."""

    model: type[BaseModel]
    title: str
    intro: str
    examples: tuple[str, ...]


DOCUMENTS = (
    Document(CycleConfig, "Cykelfilen (cycle.yaml)",
             "En rapportcykel: vilken rapport, dess datum, vem som lämnar vad och när. `tertial check-config --cycle "
             "cycle.yaml` kontrollerar filen, planen och profilen; varje fel namnger filen och nyckeln.",
             ("examples/eav-t1-2024/cycle.yaml", "examples/eav-t2-2024/cycle.yaml", "examples/eav-vb-2024/cycle.yaml",
              "examples/sn-vb-2013/cycle.yaml")),
    Document(Plan, "Planen (plan.yaml)",
             "Årets plan: målen, indikatorerna, aktiviteterna och ekonomins rader, som nämnden har beslutat dem. "
             "Samma plan används av årets T1, T2 och VB; cykelfilen pekar ut den med `plan:`.",
             ("examples/eav-t1-2024/plan.yaml", "examples/sn-vb-2013/plan.yaml")),
    Document(ProfileFile, "Rapportprofilen (profil.yaml)",
             "Rapportens disposition och tabeller, när nämnden skriver sin rapport på annat sätt än Tertials inbyggda "
             "profil för rapporttypen; cykelfilen pekar ut den med `profile:`. `docs/rapportprofil.md` visar hur delarna "
             "används tillsammans.",
             ("examples/eav-t1-2024/profil.yaml", "examples/eav-t2-2024/profil.yaml", "examples/sn-vb-2013/profil.yaml",
              "profiles/t1.yaml", "profiles/t2.yaml", "profiles/vb.yaml")),
    Document(KoladaFile, "Kolada-filen (JSON)",
             "En export från Kolada som förifyller indikatorernas utfall i arbetsböckerna: `tertial open --cycle "
             "cycle.yaml --kolada export.json`. Cykelns `kolada_municipality` väljer kommun eller enhet och planens "
             "`kpi` kopplar en indikator till ett nyckeltal. Övriga nycklar i Koladas export (count, status …) läses inte.",
             ()),
)

PATTERNS = {ITEM_ID: "id: bokstäver, siffror och . _ : -", EMAIL: "e-postadress",
            GOAL_NUMBER: "målnummer: 1, 1.2 eller 1.2.1", PART_KEY: "nyckel: bokstäver, siffror och . _ -",
            r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "nyckel: bokstäver, siffror och . _ -",
            r"^[^,\"]+$": "text utan kommatecken och citattecken"}
SCALARS = {str: "text", int: "heltal", bool: "true eller false", dt.date: "datum ÅÅÅÅ-MM-DD", Path: "sökväg",
           Decimal: "tal", float: "tal"}


def config_doc() -> str:
    """The whole of docs/konfiguration.md."""
    lines = ["# Konfiguration: cykelfilen, planen, rapportprofilen och Kolada-filen", "",
             "<!-- Skriven av `python -m scripts.make_config_doc` ur Tertials modeller; ändra beskrivningarna där, "
             "inte här. -->", "",
             "Varje nyckel i de filer en controller skriver, med typ, om den krävs (eller vad som gäller utan den), "
             "ett exempel ur exemplen i `examples/` och vad den betyder. En nyckel som inte står här avvisas: "
             "`tertial check-config` svarar `okänd nyckel` och namnger den.", ""]
    for n, document in enumerate(DOCUMENTS, start=1):
        lines += [f"## {n}. {document.title}", "", document.intro, ""]
        found = _example_values([yaml.safe_load((REPO / path).read_text(encoding="utf-8")) for path in document.examples])
        lines += _model_sections(document.model, found)
    return "\n".join(lines).rstrip() + "\n"


def documented_keys() -> list[tuple[type[BaseModel], str, FieldInfo]]:
    """Every key the documentation covers: (model, key, field), each model once."""
    return [(model, name, field) for model, _ in _models_in_order()
            for name, field in model.model_fields.items()]


def _models_in_order() -> list[tuple[type[BaseModel], str]]:
    """Every model a configuration file holds, each once, with the key path where it is first met."""
    seen: dict[type[BaseModel], str] = {}
    for document in DOCUMENTS:
        _walk(document.model, "", seen)
    return list(seen.items())


def _walk(model: type[BaseModel], path: str, seen: dict[type[BaseModel], str]) -> None:
    if model in seen:
        return
    seen[model] = path
    for name, field in model.model_fields.items():
        for inner, suffix in _inner_models(field.annotation):
            _walk(inner, _join(path, name) + suffix, seen)


def _inner_models(annotation: Any, suffix: str = "") -> list[tuple[type[BaseModel], str]]:
    """The models a field holds (not those written as one value, like a target), with '[]' for each list around them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [] if _written_as(annotation) else [(annotation, suffix)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_models(typing.get_args(annotation)[0], suffix)
    inner = "[]" if origin is list else ""
    return [found for arg in typing.get_args(annotation) for found in _inner_models(arg, suffix + inner)]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _written_as(model: type) -> str | None:
    return getattr(model, "written_as", None)


def _model_sections(root: type[BaseModel], found: dict[str, Any]) -> list[str]:
    places = dict(_models_in_order())
    lines: list[str] = []
    for model, path in _models_in_order():
        if not _belongs_to(model, root):
            continue
        heading = f"### `{path}`" if path else "### Filens nycklar"
        intro = _intro(path, places)
        lines += [heading, ""] + ([intro, ""] if intro else [])
        lines += ["| Nyckel | Typ | Krävs | Exempel | Betydelse |", "|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            key = _join(path, name)
            lines.append(f"| `{name}` | {_cell(_type(field, places))} | {_cell(_required(field))} | "
                         f"{_cell(_example(field, found.get(key)))} | {_cell(field.description or '')} |")
        lines.append("")
    return lines


def _belongs_to(model: type[BaseModel], root: type[BaseModel]) -> bool:
    """A model is documented under the first file it is met in."""
    for document in DOCUMENTS:
        seen: dict[type[BaseModel], str] = {}
        _walk(document.model, "", seen)
        if model in seen:
            return document.model is root
    return False


def _intro(path: str, places: dict[type[BaseModel], str]) -> str:
    """The section of a nested model is introduced by the description of the key that holds it."""
    if not path:
        return ""
    parent_path, _, name = path.rstrip("[]").rpartition(".")
    parent = next((m for m, p in places.items() if p == parent_path and name in m.model_fields), None)
    return parent.model_fields[name].description or "" if parent else ""


def _type(field: FieldInfo, places: dict) -> str:
    text = _type_text(field.annotation, places)
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            text += f", minst {item.ge}"
        elif isinstance(item, annotated_types.Gt):
            text += f", större än {item.gt}"
        elif isinstance(item, annotated_types.Le):
            text += f", högst {item.le}"
        elif isinstance(item, annotated_types.MinLen) and item.min_length > 0 and "lista" in text:
            text += f", minst {item.min_length}"
        elif getattr(item, "pattern", None):
            text = text.replace("text", PATTERNS.get(item.pattern, f"text som följer `{item.pattern}`"), 1)
    return text


def _type_text(annotation: Any, places: dict) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = _type_text(args[0], places)
        pattern = next((getattr(m, "pattern", None) for m in args[1:] if getattr(m, "pattern", None)), None)
        return inner.replace("text", PATTERNS.get(pattern, "text"), 1) if pattern else inner
    if origin in (typing.Union, types.UnionType):
        return " eller ".join(_type_text(a, places) for a in args if a is not type(None))
    if origin is list:
        return f"lista av {_type_text(args[0], places)}"
    if origin is dict:
        key = "rapporttyp (T1, T2, VB)" if args[0] is ReportKind else _type_text(args[0], places)
        return f"tabell {key} → {_type_text(args[1], places)}"
    if origin is typing.Literal:
        return "ett av " + ", ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "ett av " + ", ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _written_as(annotation) or f"tabell, se `{places[annotation] or 'filens nycklar'}`"
    return SCALARS.get(annotation, str(annotation))


def _required(field: FieldInfo) -> str:
    if (field.json_schema_extra or {}).get("derived"):
        return "nej, räknas fram (se betydelse)"
    if field.is_required():
        return "ja"
    default = field.get_default(call_default_factory=True)
    if default is None or default == [] or isinstance(default, BaseModel):
        return "nej"
    if isinstance(default, list):
        return "nej; standard: Tertials"
    return f"nej; standard: {_shown(default) if default != '' else 'tom'}"


def _example(field: FieldInfo, found: Any) -> str:
    """The shipped examples' value, else the field's own example, else its default or first choice; none for a table."""
    if _inner_models(field.annotation):
        return ""
    value = found if found not in (None, "") else (field.examples[0] if field.examples else None)
    if value is None:
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        value = default if default not in (None, "", []) else _first_choice(field.annotation)
    return "" if value is None else f"`{_shown(value)}`"


def _first_choice(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return next(iter(arg))
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)[0]
    return None


def _shown(value: Any) -> str:
    """A value as the YAML file writes it, kept short."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        shown = [_shown(v) for v in value[:3]] + (["…"] if len(value) > 3 else [])
        return "[" + ", ".join(shown) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (dt.date, Decimal, Path)):
        return str(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57].rstrip() + " …"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example_values(files: list[Any]) -> dict[str, Any]:
    """The first value each key path holds in the example files: `contributors[].email` → 'a@b.se'."""
    found: dict[str, Any] = {}

    def visit(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                here = _join(path, str(key))
                found.setdefault(here, value)
                visit(value, here)
        elif isinstance(node, list):
            for item in node:
                visit(item, path + "[]")

    for data in files:
        visit(data, "")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="where to write it (default: docs/konfiguration.md)")
    args = parser.parse_args(argv)
    args.out.write_text(config_doc(), encoding="utf-8")


if __name__ == "__main__":
    main()
