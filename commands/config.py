"""`tertial check-config` and `installningar`: the cycle's configuration and the installation's settings."""

from __future__ import annotations

from commands.app import command, console
from commands.options import Cycle, Debug
from tertial.controls import escape_controls


@command("check-config")
def check_config(cycle: Cycle, debug: Debug = False) -> None:
    """Kontrollera en cykelfil och dess plan."""
    from tertial.config import load_cycle

    loaded = load_cycle(cycle)
    plan = loaded.plan
    console.print(escape_controls(f"{cycle.name} är korrekt: {loaded.title}; {len(loaded.config.contributors)} bidragsgivare, "
                                  f"{len(plan.goals)} mål, {len(plan.indicators)} indikatorer, {len(plan.activities)} aktiviteter."))
    if loaded.profile:
        from tertial.profile import outline_text

        console.print(escape_controls(f"Disposition enligt {loaded.config.profile}: {outline_text(loaded.profile)}."))


@command("installningar")
def settings(debug: Debug = False) -> None:
    """Lista installationens inställningar (miljövariabler): namn, läge och förklaring. Lösenord och nycklar visas inte."""
    from tertial.ledger_location import shown
    from tertial.settings import load_settings, shown_settings

    loaded = load_settings()
    masked = {"ledger_url": shown(loaded.ledger_url)} if loaded.ledger_url else {}
    masked["upload_limit_storage"] = shown(loaded.upload_limit_storage)  # redis://:password@… as ***
    for row in shown_settings(loaded, masked):
        console.print(escape_controls(f"{row.name}: {row.state}"))
        console.print(escape_controls(f"    {row.help}"))
