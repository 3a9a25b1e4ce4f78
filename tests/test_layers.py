"""The house rules: imports go one way (commands → flows → tasks → tertial), and each layer holds its kind.

- `commands/` is the `tertial` command line; `flows/` holds one module per process of the cycle, each
  with its Prefect flow (plus `deploy.py` and `run_names.py`, which name and deploy them);
- `tasks/` holds Prefect tasks, each naming one step: a public function there that is not a task belongs
  in `tertial/`, where the logic lives.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from prefect import Flow, Task

from tertial.resources import ROOT

LAYERS = {"tertial": set(), "tasks": {"tertial"}, "flows": {"tasks", "tertial"}, "commands": {"flows", "tasks", "tertial"}}
FLOW_HELPERS = {"__init__", "deploy", "run_names"}  # they name and deploy the flows, and hold none


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path, top_level_only: bool = False) -> list[str]:
    """The modules a file imports; with `top_level_only`, only those imported when the file is loaded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names += [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_go_one_way(package):
    """commands → flows → tasks → tertial: a lower layer never imports a higher one."""
    forbidden = set(LAYERS) - LAYERS[package] - {package}
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path in _modules(package)
             for name in _imported(path) if name.split(".")[0] in forbidden]
    assert not wrong, wrong


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle in the graph, as the list of modules around it; [] when there is none."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return []
        for imported in sorted(graph.get(module, ())):
            found = visit(imported, [*path, module])
            if found:
                return found
        done.add(module)
        return []

    return next((found for module in sorted(graph) if (found := visit(module, []))), [])


@pytest.mark.parametrize("package", ["commands", "flows", "tasks", "tertial"])
def test_no_import_circle(package):
    modules = {f"{package}.{p.relative_to(ROOT / package).with_suffix('').as_posix().replace('/', '.')}".removesuffix(".__init__"): p
               for p in _modules(package)}
    graph = {name: {imported for imported in _imported(path) if imported in modules and imported != name}
             for name, path in modules.items()}
    assert _cycle(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def _defined_here(module) -> list[tuple[str, object]]:
    return [(name, value) for name, value in vars(module).items()
            if getattr(value, "__module__", None) == module.__name__ and not name.startswith("_")]


# Prefect's task workers run tasks, not flows: a task whose whole body is one call of a flow carries that flow to a
# warm worker (flows/run_cycles.py). It lives beside the flow it calls, as tasks/ may not import flows/.
CARRIERS = {"run_cycles": ("cycle_on_worker",)}


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "flows").glob("*.py")) if p.stem not in FLOW_HELPERS],
                         ids=lambda p: p.stem)
def test_each_flows_module_holds_a_flow_and_no_task(path):
    module = importlib.import_module(f"flows.{path.stem}")
    defined = _defined_here(module)
    assert any(isinstance(value, Flow) for _, value in defined), f"flows/{path.name} defines no flow"
    tasks = [name for name, value in defined if isinstance(value, Task) and name not in CARRIERS.get(path.stem, ())]
    assert not tasks, f"flows/{path.name} defines tasks, which belong in tasks/: {tasks}"


def test_flows_holds_only_flow_modules():
    """Every module in flows/ is a process of the cycle or one of the two that name and deploy them."""
    found = {p.stem for p in (ROOT / "flows").glob("*.py")}
    assert found - FLOW_HELPERS == {"assemble", "collect", "mail_intake", "open_cycle", "publish_status", "rebuild_ledger",
                                    "remind", "run_cycle", "run_cycles"}
    assert not [p for p in (ROOT / "flows").iterdir() if p.is_dir() and p.name != "__pycache__"]


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "tasks").glob("*.py"))
                                  if p.stem != "__init__"], ids=lambda p: p.stem)
def test_every_public_function_in_tasks_is_a_task(path):
    module = importlib.import_module(f"tasks.{path.stem}")
    defined = _defined_here(module)
    assert defined, f"tasks/{path.name} defines nothing public"
    not_tasks = [name for name, value in defined if not isinstance(value, Task)]
    assert not not_tasks, f"tasks/{path.name}: not Prefect tasks, so they belong in tertial/: {not_tasks}"


def test_flow_names_are_kept():
    """Deployments on running servers are registered under these names."""
    from flows.assemble import assemble
    from flows.collect import collect
    from flows.mail_intake import collect_mail
    from flows.open_cycle import open_reporting_cycle
    from flows.publish_status import publish_status
    from flows.rebuild_ledger import rebuild_ledger
    from flows.remind import remind
    from flows.run_cycle import run_cycle

    names = {f.name for f in (assemble, collect, collect_mail, open_reporting_cycle, publish_status, rebuild_ledger, remind,
                              run_cycle)}
    assert names == {"sammanstall-rapport", "samla-in", "samla-in-e-post", "oppna-cykel", "publicera-lage",
                     "aterskapa-liggare", "paminnelser", "tertialcykel"}


def test_the_command_line_is_one_app_with_every_command():
    import typer.main

    from commands import app

    commands = typer.main.get_command(app).commands
    assert sorted(commands) == ["approve", "assemble", "attest", "check-config", "collect", "collect-mail", "demo", "deploy", "diff",
                                "history", "installningar", "lank", "open", "rebuild-ledger", "remind", "return", "run", "serve",
                                "server", "status", "validate", "verify", "worker"]
    assert sorted(commands["server"].commands) == ["start", "status", "stop"]
    leaves = {f"{name} {sub}": c for name, command in commands.items()
              for sub, c in getattr(command, "commands", {"": command}).items()}
    with_debug = [name for name, command in leaves.items() if "--debug" in {o for p in command.params for o in p.opts}]
    assert sorted(with_debug) == sorted(leaves), "every command takes --debug"


def test_commands_import_nothing_heavy_when_loaded():
    """Prefect is quietened inside each command before it is imported; loading the CLI must not import it first."""
    heavy = ("prefect", "flows", "tasks", "great_expectations")
    loaded = [f"{path.relative_to(ROOT)}: {name}" for path in _modules("commands")
              if path.stem not in ("checking", "summary")  # imported inside the commands that print with them
              for name in _imported(path, top_level_only=True) if name.split(".")[0] in heavy]
    assert not loaded, loaded
