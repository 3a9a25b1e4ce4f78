"""Every setting Tertial reads from its environment, declared once, with help in Swedish.

The cycle and the plan are configured in YAML (tertial/cycle.py, tertial/plan.py); what belongs to
the installation (mail server, key, ledger, parallelism, time zone) comes from `TERTIAL_*`
environment variables and is declared here, and nowhere else: a test fails when product code reads
a variable this model does not declare, and `tertial installningar` lists them all.
Secrets are `SecretStr`, so they are never shown in a repr, a log line or a flow run's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tertial.errors import TertialError

PREFIX = "TERTIAL_"
M = TypeVar("M", bound=BaseModel)


class SmtpSettings(BaseModel):
    """The mail server, as the mailer needs it: host and sender required (TERTIAL_SMTP_*)."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int = 25
    sender: str
    user: str | None = None
    password: SecretStr | None = None
    # Name of a Prefect Secret block holding the password, for when it should not live in the environment.
    password_block: str | None = None
    starttls: bool = False
    timeout: float = 30.0


LOOPBACK = ("127.0.0.1", "::1", "localhost")


class ImapSettings(BaseModel):
    """The mailbox contributors send their workbooks to, as the mail intake reads it (TERTIAL_IMAP_*)."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int = 993
    user: str
    password: SecretStr | None = None
    # Name of a Prefect Secret block holding the password, as for SMTP.
    password_block: str | None = None
    folder: str = "INBOX"
    tls: bool = True
    timeout: float = 30.0

    @field_validator("tls")
    @classmethod
    def _tls_beyond_loopback(cls, tls: bool, info: ValidationInfo) -> bool:
        # A password and the contributors' workbooks never cross a network in the clear.
        if not tls and info.data.get("host") not in LOOPBACK:
            raise ValueError("utan TLS bara mot 127.0.0.1")
        return tls


class SettingsError(TertialError):
    """A setting missing or wrong; the message names variables, never their values."""


class Settings(BaseSettings):
    """The installation's settings; each field is the environment variable TERTIAL_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True)

    smtp_host: str | None = Field(None, description="E-postserverns namn (SMTP). Utan den skickas ingen e-post.")
    smtp_port: int = Field(25, description="E-postserverns port.")
    smtp_sender: str | None = Field(None, description="Avsändaradressen i återkoppling och påminnelser (krävs med TERTIAL_SMTP_HOST).")
    smtp_user: str | None = Field(None, description="Användarnamn, om e-postservern kräver inloggning.")
    smtp_password: SecretStr | None = Field(None, description="Lösenordet till e-postservern (hellre ett Prefect Secret-block).")
    smtp_password_block: str | None = Field(None, description="Namnet på ett Prefect Secret-block som håller e-postlösenordet.")
    smtp_starttls: bool = Field(False, description="true för att kryptera förbindelsen till e-postservern med STARTTLS.")
    smtp_timeout: float = Field(30.0, description="Sekunder att vänta på e-postservern innan ett utskick ges upp.")
    task_runner: str = Field("sequential", description="Hur oberoende steg körs: sequential, threads[:N] eller processes[:N].")
    token_key: SecretStr | None = Field(
        None, description="Nyckeln som styrker vem en arbetsbok är utfärdad till; utan den nyckel/token.key i arbetsmappen.")
    ledger_url: str | None = Field(
        None,
        description="SQLAlchemy-URL till liggaren, t.ex. postgresql+psycopg://tertial@db.stad.local/tertial; utan den "
                    "SQLite i arbetsmappen. Lösenordet ges genom PGPASSWORD eller ~/.pgpass, inte i URL:en.",
    )
    timezone: str = Field("Europe/Stockholm", description="Tidszonen som avgör vilken dag det är och när scheman körs.")
    public_url: str | None = Field(
        None, description="Adressen där tertial serve nås, t.ex. https://tertial.exempel.se. Med den skrivs varje "
                          "bidragsgivares personliga länk i arbetsboken som lämnas ut.")
    upload_limit: int = Field(
        20, ge=1, description="Hur många inlämningar en personlig länk får göra i tertial serve inom "
                              "TERTIAL_UPLOAD_WINDOW_MINUTES; fler avvisas (429) tills den äldsta fallit ur fönstret.")
    upload_window_minutes: int = Field(10, ge=1, description="Fönstret i minuter för TERTIAL_UPLOAD_LIMIT (glidande).")
    upload_limit_storage: str = Field(
        "memory://", description="Var inlämningarna räknas: memory:// i processen, eller t.ex. redis://redis.stad.local:6379 "
                                 "när flera tertial serve-processer ska dela räkningen.")

    oidc_metadata_url: str | None = Field(
        None, description="Stadens inloggning (OpenID Connect) för tertial serve: adressen till leverantörens "
                          ".well-known/openid-configuration. Utan den loggar controller och ledning in med e-postlänk.")
    oidc_client_id: str | None = Field(None, description="Tertials klient-id hos stadens inloggning (OpenID Connect).")
    oidc_client_secret: SecretStr | None = Field(None, description="Tertials klienthemlighet hos stadens inloggning.")

    word_template: Path | None = Field(
        None, description="Stadens Word-mall (.dotx eller .docx) som rapporten i Word skrivs i: mallens formatmallar, "
                          "sidhuvud, sidfot och logotyp. tertial assemble --word-template väljer en annan för en körning.")

    imap_host: str | None = Field(
        None, description="E-postlådan (IMAP) som bidragsgivarna skickar arbetsböcker till. Utan den läses ingen e-post.")
    imap_port: int = Field(993, description="E-postlådans port (993 för IMAP över TLS).")
    imap_user: str | None = Field(None, description="Användarnamnet till e-postlådan (krävs med TERTIAL_IMAP_HOST).")
    imap_password: SecretStr | None = Field(None, description="Lösenordet till e-postlådan (hellre ett Prefect Secret-block).")
    imap_password_block: str | None = Field(None, description="Namnet på ett Prefect Secret-block som håller e-postlådans lösenord.")
    imap_folder: str = Field("INBOX", description="Mappen i e-postlådan där inlämningarna kommer.")
    imap_tls: bool = Field(True, description="false bara för tester mot 127.0.0.1: annars krypteras förbindelsen alltid.")
    imap_timeout: float = Field(30.0, description="Sekunder att vänta på e-postlådan innan läsningen ges upp.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("okänd tidszon") from error
        return value

    def smtp(self) -> SmtpSettings:
        """The mail server's settings, or a Swedish error naming what is missing or wrong."""
        return self._group("smtp_", SmtpSettings, "E-postinställningarna")

    def imap(self) -> ImapSettings:
        """The mailbox's settings, or a Swedish error naming what is missing or wrong."""
        return self._group("imap_", ImapSettings, "Inställningarna för e-postlådan")

    def _group(self, prefix: str, model: type[M], label: str) -> M:
        try:
            return model(**{name.removeprefix(prefix): getattr(self, name)
                            for name in type(self).model_fields if name.startswith(prefix)})
        except ValidationError as error:
            raise SettingsError(f"{label} saknas eller är felaktiga: {_names(error, prefix)}. "
                                "Sätt miljövariablerna och försök igen.") from None


def env_name(field: str) -> str:
    return f"{PREFIX}{field.upper()}"


def _names(error: ValidationError, prefix: str = "") -> str:
    # Only the names: pydantic's own message would echo every input, a password included.
    return ", ".join(sorted({env_name(prefix + str(e["loc"][0])) for e in error.errors() if e["loc"]}))


def load_settings() -> Settings:
    """The settings from the environment, or a Swedish error naming the variables that are wrong."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(f"Inställningarna är felaktiga: {_names(error)}. Rätta miljövariablerna "
                            "(se tertial installningar) och försök igen.") from None


@dataclass(frozen=True)
class Shown:
    """One setting as `tertial installningar` lists it."""

    name: str
    state: str
    help: str


def shown_settings(settings: Settings, masked: dict[str, str] | None = None) -> list[Shown]:
    """Every setting with its current state; a secret only as set or not, `masked` values as given."""
    rows = []
    for field, info in type(settings).model_fields.items():
        value = getattr(settings, field)
        if field not in settings.model_fields_set:
            default = str(info.default).lower() if isinstance(info.default, bool) else info.default
            state = "inte satt" + (f" (standard: {default})" if default is not None else "")
        elif isinstance(value, SecretStr):
            state = "satt (visas inte)"
        else:
            state = (masked or {}).get(field, str(value))
        rows.append(Shown(env_name(field), state, info.description or ""))
    return rows
