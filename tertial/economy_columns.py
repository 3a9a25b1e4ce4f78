"""The economy tables' columns: a catalogue as data, each computed column's formula as data, and a profile's
declaration of the tables it prints.

The catalogue (`profiles/economy_columns.yaml`) is the one home of the economy's arithmetic: Avvikelse, Justerad
avvikelse, Förändring, Förbrukning %, 'till' of a resultatenhet. A formula is a few lists of column keys
(Σ plus − Σ minus, optionally negated or taken in per cent of Σ over); nothing is evaluated as code. A report
profile's `economy:` part may declare, per table, its title, unit and columns chosen from the catalogue, each with
a heading of its own; a table it leaves out prints as Tertial always has for the report kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Annotated, Literal

import yaml
from pydantic import BeforeValidator, Field, field_validator, model_validator

from tertial.numbers import quantized
from tertial.plan import Strict
from tertial.resources import PROFILES

Values = dict[str, Decimal | None]
CATALOGUE_FILE = PROFILES / "economy_columns.yaml"


class Formula(Strict):
    """Σ plus − Σ minus, its sign turned when `negate`, in per cent of Σ over (one decimal) when `over` is given."""

    plus: list[str] = Field(default_factory=list)
    minus: list[str] = Field(default_factory=list)
    negate: bool = False
    over: list[str] = Field(default_factory=list)

    @property
    def inputs(self) -> list[str]:
        return [*self.plus, *self.minus, *self.over]

    def apply(self, values: Values) -> Decimal | None:
        """The formula on a row's values; an empty cell counts as 0, but a share of nothing (or of 0) is none."""
        terms = [_z(values.get(k)) for k in self.plus]
        result = terms[0] if terms else Decimal(0)
        for term in terms[1:]:
            result += term
        for key in self.minus:
            result -= _z(values.get(key))
        if self.negate:
            result = -result
        if not self.over:
            return result
        denominator = _sum(values, self.over)
        if not denominator or any(values.get(k) is None for k in self.plus):
            return None
        return quantized(result / denominator * 100, 1)


def _z(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def _sum(values: Values, keys: list[str]) -> Decimal:
    terms = [_z(values.get(k)) for k in keys]
    result = terms[0]
    for term in terms[1:]:
        result += term
    return result


class CatalogueColumn(Strict):
    heading: str = Field(min_length=1)
    formulas: list[Formula] = Field(default_factory=list)

    @property
    def derived(self) -> bool:
        return bool(self.formulas)


# The row types whose sign is written by convention, and the two signs (see `signs:` in the catalogue).
ROW_TYPES = ("intäkt", "kostnad", "netto")
SIGN_WORDS = {"negativ": -1, "positiv": 1}


def _signs_known(signs: dict[str, str]) -> dict[str, str]:
    """Every row type known and every sign negativ or positiv; Swedish errors naming the key."""
    for row_type, sign in signs.items():
        if row_type not in ROW_TYPES:
            raise ValueError(f"radtypen '{row_type}' är okänd; välj bland {', '.join(ROW_TYPES)}")
        if sign not in SIGN_WORDS:
            raise ValueError(f"{row_type}: tecknet '{sign}' är okänt; skriv negativ eller positiv")
    return signs


class Catalogue(Strict):
    columns: dict[str, CatalogueColumn]
    signs: dict[str, str] = Field(default_factory=dict)

    @field_validator("signs")
    @classmethod
    def _signs(cls, signs: dict[str, str]) -> dict[str, str]:
        _signs_known(signs)
        missing = [t for t in ROW_TYPES if t not in signs]
        if missing:
            raise ValueError(f"{missing[0]}: radtypen saknar tecken i katalogen")
        return signs

    @model_validator(mode="after")
    def _inputs_known(self) -> Catalogue:
        for key, column in self.columns.items():
            unknown = [k for f in column.formulas for k in f.inputs if k not in self.columns or k == key]
            if unknown:
                raise ValueError(f"columns.{key}: formeln använder '{unknown[0]}', som inte är en annan kolumn i katalogen")
        return self


@cache
def catalogue() -> dict[str, CatalogueColumn]:
    """The catalogue shipped with Tertial, in its own order."""
    return _catalogue_file().columns


@cache
def _catalogue_file() -> Catalogue:
    return Catalogue.model_validate(yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")))


def default_signs() -> dict[str, int]:
    """The catalogue's sign per row type: −1 written negative, +1 positive."""
    return {row_type: SIGN_WORDS[word] for row_type, word in _catalogue_file().signs.items()}


def heading(key: str, year: int) -> str:
    """The catalogue's heading of a column for a report of this year."""
    return _dated(catalogue()[key].heading, year)


def _dated(text: str, year: int) -> str:
    return text.format(year=year, previous_year=year - 1, next_year=year + 1)


def formula_for(key: str, keys: Iterable[str]) -> Formula | None:
    """The first of the column's formulas whose inputs all stand in the table; none for an entered column."""
    present = set(keys)
    return next((f for f in catalogue()[key].formulas if set(f.inputs) <= present), None)


def compute(key: str, values: Values, keys: Iterable[str]) -> Decimal | None:
    """One computed column of a row whose table has these columns (its inputs as they stand in `values`)."""
    formula = formula_for(key, keys)
    return formula.apply(values) if formula else values.get(key)


def complete(values: Values, keys: list[str], entered: Iterable[str] = ()) -> Values:
    """The row with every computed column of the table filled in, inputs before the columns that use them."""
    done = dict(values)
    taken = set(entered)
    pending = [k for k in keys if k not in taken and formula_for(k, keys) is not None]
    for _ in range(len(pending)):  # a formula may use another computed column (Justerad avvikelse uses Avvikelse)
        ready = [k for k in pending if not set(formula_for(k, keys).inputs) & set(pending)]
        for key in ready:
            done[key] = formula_for(key, keys).apply(done)
        pending = [k for k in pending if k not in ready]
    return done


# --- The profile's declaration ------------------------------------------------------------------------------

class EconomyColumn(Strict):
    """One printed column: its key in the catalogue, its own heading, and whether a computed one is entered."""

    column: str = Field(description=(
        "Kolumnens nyckel i Tertials kolumnkatalog (profiles/economy_columns.yaml), t.ex. budget, prognos, avvikelse."))
    heading: str | None = Field(None, min_length=1, description=(
        "Kolumnrubriken som den skrivs ut ({year}, {previous_year}, {next_year} fylls i); utelämnad: katalogens."),
        examples=["Budget {year}"])
    entered: bool = Field(False, description=(
        "true: en kolumn som annars räknas fram fylls i av bidragsgivaren, när rapporten skriver den utan kolumnerna "
        "den räknas ur."))

    @field_validator("column")
    @classmethod
    def _in_catalogue(cls, key: str) -> str:
        if key not in catalogue():
            raise ValueError(f"okänd kolumn '{key}'; välj bland: {', '.join(catalogue())}")
        return key

    @field_validator("heading")
    @classmethod
    def _placeholders_known(cls, text: str | None) -> str | None:
        try:
            _dated(text or "", 2000)
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"rubriken '{text}' kan bara ha {{year}}, {{previous_year}} och {{next_year}} inom "
                             f"klamrar ({error})") from None
        return text

    @model_validator(mode="after")
    def _entered_is_computed(self) -> EconomyColumn:
        if self.entered and not catalogue()[self.column].derived:
            raise ValueError(f"kolumnen '{self.column}' fylls alltid i av bidragsgivaren; ta bort entered")
        return self

    def printed_heading(self, year: int) -> str:
        return _dated(self.heading or catalogue()[self.column].heading, year)


def _bare_key(value: object) -> object:
    """`- budget` is short for `- {column: budget}`."""
    return {"column": value} if isinstance(value, str) else value


class EconomyTableSpec(Strict):
    """One economy table as the nämnd prints it."""

    title: str | None = Field(None, min_length=1, description="Tabellens rubrik; utelämnad: Tertials.",
                              examples=["Driftbudget per verksamhetsområde"])
    unit: Literal["mnkr", "tkr"] | None = Field(None, description="Beloppens enhet; utelämnad: Tertials.")
    columns: list[Annotated[EconomyColumn, BeforeValidator(_bare_key)]] = Field(min_length=1, description=(
        "Kolumnerna i utskriftsordning, varje en gång; `- budget` är kort för `- {column: budget}`. En kolumn som "
        "räknas fram behöver kolumnerna den räknas ur, eller entered: true."))
    subtotal: str | None = Field(None, min_length=1, description=(
        "Namnet på områdenas summa ovanför rader med row_type below; utelämnad: Summa."))
    total: str | None = Field(None, min_length=1, description="Totalradens namn; utelämnad: Tertials (Totalt, Netto).",
                              examples=["Totalt"])
    cap: Decimal | None = Field(None, gt=0, le=100, description=(
        "Resultatenheter: högst så här många procent av bruttobudgeten får föras över (varning över det)."),
        examples=[3])

    @model_validator(mode="after")
    def _columns_fit(self) -> EconomyTableSpec:
        keys = [c.column for c in self.columns]
        for n, key in enumerate(keys):
            if key in keys[:n]:
                raise ValueError(f"columns[{n}]: kolumnen '{key}' står mer än en gång")
        for n, column in enumerate(self.columns):
            if catalogue()[column.column].derived and not column.entered and formula_for(column.column, keys) is None:
                needs = " eller ".join(f"({', '.join(f.inputs)})" for f in catalogue()[column.column].formulas)
                raise ValueError(f"columns[{n}]: kolumnen '{column.column}' räknas fram ur {needs}, men tabellen saknar "
                                 "dem; lägg till kolumnerna eller ange entered: true")
        return self

    @property
    def keys(self) -> list[str]:
        return [c.column for c in self.columns]

    @property
    def entered(self) -> list[str]:
        """The columns the contributor fills in, in print order."""
        return [c.column for c in self.columns if c.entered or not catalogue()[c.column].derived]

    def printed(self, year: int) -> list[tuple[str, str]]:
        return [(c.column, c.printed_heading(year)) for c in self.columns]


class EconomyTables(Strict):
    """A profile's `economy:`: the economy tables it declares; one left out prints as today."""

    operations: EconomyTableSpec | None = Field(None, description=(
        "Driftbudget per verksamhetsområde (tabell, titel, enhet, kolumner); utelämnad: som i dag."))
    investments: EconomyTableSpec | None = Field(None, description="Investeringar; samma nycklar som operations.")
    revenue_costs: EconomyTableSpec | None = Field(None, description=(
        "Intäkter och kostnader per kostnadsgruppering; angiven skrivs den ut i T1 och T2 också. Samma nycklar som "
        "operations."))
    result_units: EconomyTableSpec | None = Field(None, description=(
        "Resultatenheter (tkr); samma nycklar som operations, och cap."))
    signs: dict[str, str] | None = Field(None, description=(
        "Tecknet en radtyp skrivs med, där nämnden skriver det annorlunda än katalogens signs: (t.ex. intäkt: positiv); "
        "utelämnad: katalogens."), examples=[{"intäkt": "positiv"}])
    investments_as: Literal["table", "text"] = Field("table", description=(
        "table: Investeringar som tabell (med ekonomiägarens text ovanför); text: bara texten, och då inget blad "
        "Investeringar och ingen tabell."))

    @field_validator("signs")
    @classmethod
    def _signs(cls, signs: dict[str, str] | None) -> dict[str, str] | None:
        return None if signs is None else _signs_known(signs)

    @model_validator(mode="after")
    def _fit(self) -> EconomyTables:
        if self.investments_as == "text" and self.investments is not None:
            raise ValueError("investments: investeringarna redovisas som text (investments_as: text) och har ingen "
                             "tabell; ta bort investments eller skriv investments_as: table")
        units = self.result_units
        if units is not None:
            if "result" not in units.keys:
                raise ValueError("result_units.columns: resultatenheterna behöver kolumnen 'result' (årets resultat)")
            if units.cap is not None and "budget" not in units.keys:
                raise ValueError("result_units.cap: taket är en andel av bruttobudgeten; lägg till kolumnen 'budget'")
        for key in ("operations", "investments", "revenue_costs"):
            spec = getattr(self, key)
            if spec is not None and spec.cap is not None:
                raise ValueError(f"{key}.cap: ett tak gäller bara resultatenheter (result_units)")
        return self

    def table(self, key: str) -> EconomyTableSpec | None:
        return getattr(self, key)


def investments_as_text(economy: EconomyTables | None) -> bool:
    """The profile has the investments reported as the economy owner's text alone, without a table."""
    return economy is not None and economy.investments_as == "text"


def signs_for(economy: EconomyTables | None) -> dict[str, int]:
    """The sign per row type for a profile: the catalogue's, with the profile's `economy: signs:` over it."""
    own = economy.signs if economy is not None and economy.signs else {}
    return {**default_signs(), **{row_type: SIGN_WORDS[word] for row_type, word in own.items()}}


def table_spec(economy: EconomyTables | None, key: str) -> EconomyTableSpec | None:
    """The profile's declaration of one table; none: the table prints as Tertial always has."""
    return economy.table(key) if economy is not None else None
