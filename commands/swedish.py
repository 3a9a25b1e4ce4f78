"""Typer's own words in Swedish: the usage line, the help panels, the help option and usage errors.

Typer 0.29 words these itself (its vendored Click has no message catalogue), so each is set where Typer reads it:
the help panels' titles and tags are settings of `typer.rich_utils`, read when help or an error is printed (and set
only then: the module loads Rich's Markdown, pretty printing and tracebacks, ≈ 60 ms that a command which prints
neither need not pay); the usage line and the help option belong to the command classes, given through Typer's
`cls=`; and a usage error is raised again in Swedish by its kind, with the context that prints the usage line above it.
"""

from __future__ import annotations

import datetime as dt
from difflib import get_close_matches

from pydantic import ValidationError
from typer.core import TyperCommand, TyperGroup
from typer._click import exceptions as click_errors
from typer.exceptions import Abort

HELP_OPTION = "Visa den här hjälpen och avsluta."
USAGE = "Användning: "
RICH_TEXTS = {
    "DEPRECATED_STRING": "(utgår) ",
    "DEFAULT_STRING": "[standard: {}]",
    "ENVVAR_STRING": "[miljövariabel: {}]",
    "REQUIRED_LONG_STRING": "[krävs]",
    "ARGUMENTS_PANEL_TITLE": "Argument",
    "OPTIONS_PANEL_TITLE": "Flaggor",
    "COMMANDS_PANEL_TITLE": "Kommandon",
    "ERRORS_PANEL_TITLE": "Fel",
    "ABORTED_TEXT": "Avbrutet.",
    "RICH_HELP": "Skriv [blue]'{command_path} {help_option}'[/] för hjälp.",
}
KINDS = {"option": "flaggan", "argument": "argumentet"}
# The value a flag takes, as help shows it: Typer names the Python type; a switch needs none.
VALUE_NAMES = {"<path>": "<sökväg>", "<str>": "<text>", "<int>": "<heltal>", "<int range>": "<heltal>", "<bool>": "",
               "<%Y-%m-%d>": "<ÅÅÅÅ-MM-DD>"}


def speak_swedish() -> None:
    """Typer's help panels in Swedish; read each time help or an error is printed."""
    import typer.rich_utils as rich_utils

    for name, text in RICH_TEXTS.items():
        setattr(rich_utils, name, text)


def swedish_error(error: click_errors.UsageError, command, ctx) -> click_errors.UsageError:
    """The same usage error, worded in Swedish by its kind and what it carries; other kinds are raised as they are."""
    if isinstance(error, click_errors.MissingParameter):
        kind = KINDS.get(error.param.param_type_name if error.param else "", "värdet")
        message = f"{kind.capitalize()} {error.param.get_error_hint() if error.param else ''} saknas."
    elif isinstance(error, click_errors.NoSuchOption):
        close = f" Menade du {' eller '.join(sorted(error.possibilities))}?" if error.possibilities else ""
        message = f"Okänd flagga: {error.option_name}.{close}"
    elif isinstance(error, click_errors.BadOptionUsage):
        flag = any(error.option_name in p.opts and getattr(p, "is_flag", False) for p in command.params)
        message = f"Flaggan '{error.option_name}' {'tar inget värde' if flag else 'behöver ett värde'}."
    elif isinstance(error, click_errors.BadParameter):
        message = f"Ogiltigt värde för {error.param.get_error_hint() if error.param else 'en flagga'}: {_reason(error)}."
    else:
        return error
    return click_errors.UsageError(message, error.ctx or ctx)


def _reason(error: click_errors.BadParameter) -> str:
    """What was wrong with the value, in the words the configuration's own messages use."""
    from tertial.config import problem_message

    cause = error.__cause__
    if not isinstance(cause, ValidationError):
        return error.message
    item = cause.errors(include_url=False)[0]
    descriptor = getattr(error.param, "type_descriptor", None)
    if descriptor is not None and descriptor.annotation in (dt.date, dt.datetime):
        expected = "förväntade ett datum på formen ÅÅÅÅ-MM-DD"  # Typer's own date check words it in English
    else:
        expected = problem_message(item)
    return f"{expected} (fann '{item['input']}')"


class _Swedish:
    """The usage line and the help option in Swedish, and usage errors raised again in Swedish. Typer's panels are
    set in Swedish (`speak_swedish`) on each way to printing help or an error."""

    def format_help(self, ctx, formatter) -> None:
        speak_swedish()
        super().format_help(ctx, formatter)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click_errors.ClickException, Abort, EOFError):  # each printed by typer.rich_utils
            speak_swedish()
            raise

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if param.metavar is None and (shown := param.display_type(ctx)) in VALUE_NAMES:
                param.metavar = VALUE_NAMES[shown]
        return params

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click_errors.UsageError as error:
            speak_swedish()
            raise swedish_error(error, self, ctx) from error


class SwedishCommand(_Swedish, TyperCommand):
    def parse_args(self, ctx, args):
        """Words left over after the options are named here, in Swedish, rather than by Typer."""
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            speak_swedish()
            ctx.fail(f"Oväntat argument: {' '.join(rest)}. Flaggor skrivs med -- framför, t.ex. --cycle.")
        return rest


class SwedishGroup(_Swedish, TyperGroup):
    def resolve_command(self, ctx, args):
        """An unknown command is named here, with the commands that come close, before Typer would in English."""
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None and not ctx.resilient_parsing:
            close = get_close_matches(args[0], self.list_commands(ctx))
            hint = f" Menade du {' eller '.join(close)}?" if close else f" Se '{ctx.command_path} --help'."
            speak_swedish()
            ctx.fail(f"Kommandot '{args[0]}' finns inte.{hint}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        if not ctx._protected_args and not self.invoke_without_command:
            speak_swedish()
            ctx.fail("Ange ett kommando.")
        return super().invoke(ctx)
