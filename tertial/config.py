"""Loading YAML configuration with Swedish error messages that name the file and key path."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tertial.controls import escape_controls
from tertial.cycle import Cycle, CycleConfig, resolve_ownership
from tertial.deviation_headings import heading_problems
from tertial.economy_columns import table_spec
from tertial.errors import ConfigError
from tertial.plan import Plan
from tertial.profile import Profile, ProfileFile, goal_part_problems, goal_tree_problems, merge, profile_problems
from tertial.profile_headings import filled_profile, placeholder_problems
from tertial.sections import reserved_keys
from tertial.table_columns import column_problems

Model = TypeVar("Model", bound=BaseModel)
MAX_CONFIG_BYTES = 20_000_000  # a city's largest plan is well under 1 MB

_MESSAGES = {
    "missing": "värde saknas",
    "extra_forbidden": "okänd nyckel",
    "string_type": "förväntade en text",
    "string_too_short": "får inte vara tom",
    "string_pattern_mismatch": "har fel form (förväntat mönster {pattern})",
    "int_parsing": "förväntade ett heltal",
    "int_type": "förväntade ett heltal",
    "bool_parsing": "förväntade true eller false",
    "bool_type": "förväntade true eller false",
    "date_from_datetime_parsing": "förväntade ett datum på formen ÅÅÅÅ-MM-DD",
    "date_parsing": "förväntade ett datum på formen ÅÅÅÅ-MM-DD",
    "date_type": "förväntade ett datum på formen ÅÅÅÅ-MM-DD",
    "list_type": "förväntade en lista",
    "dict_type": "förväntade en tabell med nycklar",
    "model_type": "förväntade en tabell med nycklar",
    "too_short": "förväntade minst {min_length} element",
    "greater_than_equal": "måste vara minst {ge}",
    "less_than_equal": "får vara högst {le}",
    "decimal_parsing": "förväntade ett tal",
    "enum": "förväntade ett av: {expected}",
    "literal_error": "förväntade ett av: {expected}",
}


def swedish_problems(error: ValidationError, model: BaseModel | type[BaseModel], data: object) -> list[str]:
    """One Swedish line per pydantic error: key path, what was found, what was expected."""
    lines = []
    for item in error.errors(include_url=False):
        path = _key_path(item["loc"], data)
        found = f" (fann {_shown(item['input'])})" if item["type"] not in ("missing",) and not isinstance(item["input"], (dict, list)) else ""
        lines.append(f"{path or '(filens topp)'}: {problem_message(item)}{found}")
    return lines


def _shown(value: object) -> str:
    """A found value as the user wrote it in YAML, not as Python prints it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return f"'{escape_controls(value)}'" if isinstance(value, str) else escape_controls(value)


def problem_message(item: dict) -> str:
    """One pydantic error in Swedish: what was expected (the found value is the caller's to add)."""
    if item["type"] == "value_error":
        return str(item["ctx"]["error"])
    template = _MESSAGES.get(item["type"])
    if template is None:
        return item["msg"]
    context = {k: str(v).replace(" or ", " eller ") for k, v in (item.get("ctx") or {}).items()}
    return template.format(**context)


def _key_path(loc: tuple, data: object) -> str:
    """`contributors[2].owns.goals` — with the contributor's id when there is one, to find it fast."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node) and isinstance(node[key], dict):
                ident = node[key].get("id") or node[key].get("number")
                label = f"[{key}] (id {ident})" if ident else label
            parts.append(label)
            node = node[key] if isinstance(node, list) and key < len(node) else None
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def unreadable(path: Path) -> str | None:
    """Why a file named in the configuration cannot be read safely (a device, a pipe, a huge file), or None."""
    try:
        status = Path(path).stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return "är inte en vanlig fil"
    if status.st_size > MAX_CONFIG_BYTES:
        return f"är för stor ({status.st_size // 1_000_000} MB; högst {MAX_CONFIG_BYTES // 1_000_000} MB)"
    return None


def read_yaml(path: Path) -> object:
    problem = unreadable(path)
    if problem:
        raise ConfigError(path, [f"filen {problem}; ange en YAML-fil"])
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)  # bounded: the file may grow after the check
    except FileNotFoundError as exc:
        raise ConfigError(path, ["filen finns inte"]) from exc
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(path, [f"filen är för stor (högst {MAX_CONFIG_BYTES // 1_000_000} MB)"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, ["filen är inte UTF-8-kodad text"]) from exc
    if not yaml.reader.Reader.NON_PRINTABLE.search(text):  # libyaml lets through some characters PyYAML refuses
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - the same safe loader, parsed by libyaml
        except yaml.YAMLError:
            pass  # the loader below names the problem, in the words and places the messages were written for
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader with one constructor replaced
    except _NoSuchDate as exc:
        raise ConfigError(path, [exc.problem]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"rad {mark.line + 1}, kolumn {mark.column + 1}: " if mark else ""
        raise ConfigError(path, [f"{where}ogiltig YAML ({getattr(exc, 'problem', exc)})"]) from exc


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, but a date that does not exist is a YAML error with its key, not a bare ValueError."""

    root_node: yaml.Node | None = None

    def get_single_node(self) -> yaml.Node | None:
        self.root_node = super().get_single_node()  # kept to name the key of a value that cannot be constructed
        return self.root_node


class _NoSuchDate(yaml.YAMLError):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        key = _key_of(loader.root_node, node) if loader.root_node is not None else None
        raise _NoSuchDate(f"{key + ': ' if key else ''}datumet {node.value} finns inte i kalendern; "
                          f"skriv ett datum som finns, på formen ÅÅÅÅ-MM-DD (rad {node.start_mark.line + 1})") from None


def _key_of(node: yaml.Node, target: yaml.Node, path: str = "") -> str | None:
    """`deadlines.default`: where in the document the node stands."""
    if node is target:
        return path
    children: list[tuple[str, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        children = [((f"{path}." if path else "") + str(key.value), value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [(f"{path}[{n}]", value) for n, value in enumerate(node.value)]
    return next((found for key, child in children if (found := _key_of(child, target, key)) is not None), None)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same safe loader on libyaml, several times faster on a large plan; any error is left to `_Loader`."""

    root_node: yaml.Node | None = None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_model(path: Path, model: type[Model]) -> Model:
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, swedish_problems(exc, model, data)) from exc


def load_plan(path: Path) -> Plan:
    return load_model(path, Plan)


def _check_named_files(path: Path, config: CycleConfig) -> None:
    """The files the cycle names are read whole, so a device or a huge file is refused by its key first."""
    named = {"plan": config.plan, "t2_report": config.t2_report, "profile": config.profile}
    problems = [f"{key}: '{value}' {problem}; ange sökvägen till en fil"
                for key, value in named.items() if value is not None and (problem := unreadable(path.parent / value))]
    if problems:
        raise ConfigError(path, problems)


def load_cycle(path: Path) -> Cycle:
    """Load a cycle file and its plan, and check that every item has exactly one owner."""
    path = Path(path).resolve()
    config = load_model(path, CycleConfig)
    _check_named_files(path, config)
    plan = load_plan(path.parent / config.plan)
    problems = []
    if plan.year != config.year:
        problems.append(f"year: cykeln gäller {config.year} men planen ({config.plan}) gäller {plan.year}")
    if plan.namnd != config.namnd:
        problems.append(f"namnd: '{config.namnd}' skiljer sig från planens '{plan.namnd}'")
    profile = load_profile(path.parent / config.profile, config, plan) if config.profile else None
    maps, ownership = resolve_ownership(config, plan, profile)
    problems += [f"contributors.owns: {p}" for p in ownership]
    if problems:
        raise ConfigError(path, problems)
    return Cycle(
        config=config, plan=plan, source=path,
        goal_owner=maps["goals"], indicator_owner=maps["indikator"], activity_owner=maps["aktivitet"],
        text_owner=maps["texts"], economy_owner=maps["economy"].get("economy"), profile=profile,
    )


def load_profile(path: Path, config: CycleConfig, plan: Plan) -> Profile:
    """A nämnd's report profile, merged with the built-in one it extends; problems name this file and the key."""
    own = load_model(path, ProfileFile)
    profile, problems = merge(own)
    problems += profile_problems(own, profile, [c.id for c in config.contributors], reserved_keys(plan))
    problems += goal_tree_problems(own, profile, [g.id for g in plan.goals])
    problems += column_problems(profile.columns, plan.activity_analysis)
    problems += goal_part_problems(own, [g.id for g in plan.goals], [c.id for c in config.contributors], reserved_keys(plan))
    declared = table_spec(profile.economy, "operations")
    problems += heading_problems(profile.deviation_headings, profile.area_texts, plan.economy, config.kind,
                                 declared.keys if declared else None)
    problems += placeholder_problems(own)
    if problems:
        raise ConfigError(path, problems)
    return filled_profile(profile, config.year)
