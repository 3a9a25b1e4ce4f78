"""`tertial collect-mail`: take in the submissions mailed to the cycle's mailbox, once."""

from __future__ import annotations

import typer

from commands.app import command, console, err, flows_on
from commands.options import WORKDIR, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls


@command("collect-mail")
def collect_mail(cycle: Cycle, workdir: Workdir = WORKDIR, ledger: Ledger = None, debug: Debug = False) -> None:
    """Ta emot inlämningar ur e-postlådan (TERTIAL_IMAP_*): bara från bidragsgivarens egen adress, genom samma intag
    som collect. En rad per meddelande; ett som inte tas emot flaggas i e-postlådan."""
    from flows.mail_intake import collect_mail as collect_mail_flow
    from tertial.settings import load_settings

    load_settings().imap()  # a missing setting is named before Prefect starts
    with flows_on(workdir):
        results = collect_mail_flow(cycle_path=cycle, workdir=workdir, ledger_url=ledger)
    for result in results:
        console.print(escape_controls(result.line))
    if not results:
        console.print("Inga olästa meddelanden i e-postlådan.")
    problems = [line for result in results for outcome in result.outcomes for line in outcome.problems]
    for line in problems:  # recorded, but not checked: the controller must look
        err.print(escape_controls(line))
    if problems:
        raise typer.Exit(code=1)
