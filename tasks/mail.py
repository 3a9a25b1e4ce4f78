"""Sending e-mail as Prefect tasks: retried on passing trouble, never on a refused recipient."""

from __future__ import annotations

import smtplib
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from pydantic import SecretStr

from tertial.cycle import Cycle
from tertial.feedback.mail import feedback_mail
from tertial.inbox import run_logger
from tertial.findings import Finding
from tertial.ledger import Version
from tertial.mail import Mail, Mailer, SmtpMailer
from tertial.settings import SmtpSettings, load_settings

# Retrying cannot help: the server said no to the address, or to our credentials (and retrying those may lock the account).
_NOT_RETRIED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError)
RETRY_DELAYS = [2, 15]


def _worth_retrying(task, task_run, state) -> bool:
    """Prefect's retry condition: retry everything but a refused recipient or a failed login."""
    error = state.data if isinstance(state.data, BaseException) else None
    return not isinstance(error, _NOT_RETRIED)


def _block_password(name: str) -> SecretStr:
    from prefect.blocks.system import Secret

    return SecretStr(str(Secret.load(name).get()))


@task(cache_policy=NO_CACHE, persist_result=False)  # it holds the password: never written to result storage
def smtp_mailer(settings: SmtpSettings | None = None) -> SmtpMailer:
    """The SMTP mailer: settings given, or from TERTIAL_SMTP_*; the password from there or a Prefect Secret block."""
    settings = settings or load_settings().smtp()
    password = settings.password
    if password is None and settings.password_block:
        password = _block_password(settings.password_block)
    return SmtpMailer(settings, password)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=_worth_retrying)
def send_mail(mailer: Mailer, mail: Mail) -> Mail:
    mailer.send(mail)
    run_logger().info("E-post skickad till %s: %s", ", ".join(mail.recipients), mail.subject)
    return mail


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=_worth_retrying)
def send_feedback(cycle: Cycle, version: Version, findings: list[Finding], attachments: list[Path],
                  mailer: Mailer) -> Mail | None:
    """Mail a validation's feedback to the contributor (and deputy), the feedback files attached.

    None for a file whose contributor is not in the cycle: there is nobody to write to.
    """
    if version.contributor_id not in {c.id for c in cycle.config.contributors}:
        return None
    mail = feedback_mail(cycle, version, findings, attachments)
    mailer.send(mail)
    run_logger().info("Återkoppling skickad till %s: %s", ", ".join(mail.recipients), mail.subject)
    return mail
