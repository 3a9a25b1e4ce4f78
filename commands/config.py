"""`tertial check-config` and `installningar`: the cycle's configuration and the installation's settings."""

from __future__ import annotations

from dataclasses import asdict

from commands.app import command, console, print_json
from commands.options import AsJson, Cycle, Debug
from tertial.controls import escape_controls


@command("check-config")
def check_config(cycle: Cycle, as_json: AsJson = False, debug: Debug = False) -> None:
    """Kontrollera en cykelfil och dess plan."""
    from tertial.config import load_cycle
    from tertial.profile import outline_text

    loaded = load_cycle(cycle)
    plan = loaded.plan
    if as_json:
        print_json({"cycle": loaded.config.id, "title": loaded.title, "contributors": len(loaded.config.contributors),
                    "goals": len(plan.goals), "indicators": len(plan.indicators), "activities": len(plan.activities),
                    "outline": outline_text(loaded.outline)})
        return
    console.print(escape_controls(f"{cycle.name} är korrekt: {loaded.title}; {len(loaded.config.contributors)} bidragsgivare, "
                                  f"{len(plan.goals)} mål, {len(plan.indicators)} indikatorer, {len(plan.activities)} aktiviteter."))
    if loaded.profile:
        console.print(escape_controls(f"Disposition enligt {loaded.config.profile}: {outline_text(loaded.profile)}."))


@command("installningar")
def settings(as_json: AsJson = False, debug: Debug = False) -> None:
    """Lista installationens inställningar (miljövariabler): namn, läge och förklaring. Lösenord och nycklar visas inte."""
    from tertial.ledger_location import shown
    from tertial.settings import load_settings, shown_settings

    loaded = load_settings()
    masked = {"ledger_url": shown(loaded.ledger_url)} if loaded.ledger_url else {}
    masked["upload_limit_storage"] = shown(loaded.upload_limit_storage)  # redis://:password@… as ***
    rows = shown_settings(loaded, masked)
    if as_json:
        print_json([asdict(row) for row in rows])
        return
    for row in rows:
        console.print(escape_controls(f"{row.name}: {row.state}"))
        console.print(escape_controls(f"    {row.help}"))
