"""One settings model: every environment variable Tertial reads is declared, documented and listed."""

from __future__ import annotations

import ast
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from commands import app
from tertial.deadlines import today
from tertial.resources import ROOT
from tertial.settings import Settings, SettingsError, env_name, load_settings

DECLARED = {env_name(field) for field in Settings.model_fields}
PRODUCT = ("commands", "flows", "tasks", "tertial", "alembic")


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", None) == "os"


def _key(node: ast.AST) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else f"<{ast.unparse(node)}>"


def undeclared_reads(source: str, where: str) -> list[str]:
    """Environment reads of anything the settings model does not declare, and settings models of their own.

    Setting a variable for a library (os.environ.setdefault("PREFECT_…")) is not a read.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        read = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if (node.func.attr == "get" and _is_environ(node.func.value)) or (
                    node.func.attr == "getenv" and getattr(node.func.value, "id", None) == "os"):
                read = _key(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            read = _key(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            read = _key(node.left)
        elif isinstance(node, ast.ClassDef) and any("BaseSettings" in ast.unparse(b) for b in node.bases):
            found.append(f"{where}:{node.lineno} class {node.name} reads settings of its own")
        if read is not None and read not in DECLARED:
            found.append(f"{where}:{node.lineno} reads {read}")
    return found


def test_product_code_reads_only_declared_settings():
    found = [line for package in PRODUCT for path in sorted((ROOT / package).rglob("*.py"))
             if path != ROOT / "tertial" / "settings.py"
             for line in undeclared_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, f"declare these in tertial/settings.py: {found}"


def test_the_scan_finds_an_undeclared_read():
    source = ('import os\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings): pass\n'
              'a = os.environ.get("TERTIAL_SMTP_HOST")\nb = os.getenv("TERTIAL_OKAND")\nc = os.environ[name]\n'
              'd = "HOME" in os.environ\nos.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")\n')
    assert undeclared_reads(source, "x.py") == ["x.py:3 class S reads settings of its own", "x.py:5 reads TERTIAL_OKAND",
                                                "x.py:6 reads <name>", "x.py:7 reads HOME"]


def test_the_operations_docs_name_every_setting():
    text = (ROOT / "docs" / "drift.md").read_text(encoding="utf-8")
    assert [name for name in sorted(DECLARED) if f"`{name}`" not in text] == []


def test_every_setting_has_swedish_help():
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_installningar_lists_each_setting_without_revealing_secrets():
    env = {"TERTIAL_SMTP_HOST": "smtp.stad.test", "TERTIAL_SMTP_PASSWORD": "hemligt-Lösen-123",
           "TERTIAL_LEDGER_URL": "postgresql+psycopg://tertial:liggar-losen-456@db.stad.test/tertial",
           "TERTIAL_TOKEN_KEY": "nyckel-789-hemlig", "TERTIAL_UPLOAD_LIMIT": "5",
           "TERTIAL_UPLOAD_LIMIT_STORAGE": "redis://:redis-losen-321@redis.stad.test:6379/0"}
    done = CliRunner().invoke(app, ["installningar"], env=env)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("TERTIAL_")] == [env_name(f) for f in Settings.model_fields]
    assert "TERTIAL_SMTP_HOST: smtp.stad.test" in lines and "TERTIAL_SMTP_PASSWORD: satt (visas inte)" in lines
    assert "TERTIAL_TOKEN_KEY: satt (visas inte)" in lines and "TERTIAL_SMTP_PORT: inte satt (standard: 25)" in lines
    assert "TERTIAL_LEDGER_URL: postgresql+psycopg://tertial:***@db.stad.test/tertial" in lines
    assert "TERTIAL_UPLOAD_LIMIT: 5" in lines and "TERTIAL_UPLOAD_WINDOW_MINUTES: inte satt (standard: 10)" in lines
    assert "TERTIAL_UPLOAD_LIMIT_STORAGE: redis://:***@redis.stad.test:6379/0" in lines
    assert not [secret for secret in ("hemligt-Lösen-123", "liggar-losen-456", "nyckel-789", "redis-losen") if secret in done.output]
    assert "    Tidszonen som avgör vilken dag det är och när scheman körs." in lines


def test_a_wrong_setting_is_one_swedish_line_naming_it_not_its_value():
    done = CliRunner().invoke(app, ["installningar"], env={"TERTIAL_SMTP_PORT": "tjugofem", "TERTIAL_TIMEZONE": "Mars/Olympus"})
    assert done.exit_code == 2
    assert "Inställningarna är felaktiga: TERTIAL_SMTP_PORT, TERTIAL_TIMEZONE." in done.output
    assert "tjugofem" not in done.output and "Olympus" not in done.output


def test_mail_needs_host_and_sender(monkeypatch):
    monkeypatch.setenv("TERTIAL_SMTP_HOST", "smtp.stad.test")
    monkeypatch.delenv("TERTIAL_SMTP_SENDER", raising=False)
    with pytest.raises(SettingsError, match="E-postinställningarna saknas eller är felaktiga: TERTIAL_SMTP_SENDER."):
        load_settings().smtp()
    monkeypatch.setenv("TERTIAL_SMTP_SENDER", "tertial@stad.test")
    monkeypatch.setenv("TERTIAL_SMTP_STARTTLS", "true")
    smtp = load_settings().smtp()
    assert (smtp.host, smtp.port, smtp.sender, smtp.starttls) == ("smtp.stad.test", 25, "tertial@stad.test", True)


def test_today_follows_the_configured_time_zone(monkeypatch):
    """26 hours apart: the two zones never share a date."""
    monkeypatch.setenv("TERTIAL_TIMEZONE", "Pacific/Kiritimati")  # UTC+14
    east = today()
    monkeypatch.setenv("TERTIAL_TIMEZONE", "Etc/GMT+12")  # UTC-12
    west = today()
    assert 1 <= (east - west).days <= 2
    monkeypatch.delenv("TERTIAL_TIMEZONE")
    assert today() == dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()
