"""A plan's assessment scale: the values a goal may be given, how each is printed, and what it counts as.

Nämnder differ in the words and in one value: goals that do not concern the förvaltning ("Ingen") need no
analysis and are left out of every count. The default scale is the one every report had before scales
could be declared, so a plan that declares none reports exactly as before.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tertial.vocabulary import Assessment

# Excel keeps a list drop-down's values in one formula of at most this many characters.
DROP_DOWN_LIMIT = 255


class Meaning(StrEnum):
    """What a value of the scale counts as in the computed sentences."""

    HELT = "helt"
    DELVIS = "delvis"
    INTE = "inte"
    EJ_BEDOMD = "ej_bedomd"  # not (yet) assessed: counted, as "har inte bedömts"
    BEROR_INTE = "beror_inte"  # the goal does not concern the förvaltning: no analysis, never counted

    @property
    def colour(self) -> str:
        """The fill a page shows the value on (the traffic light of goal follow-up, light enough for dark text);
        never alone: the value's word stands on it."""
        return _COLOURS[self]


_COLOURS = {Meaning.HELT: "#c6efce", Meaning.DELVIS: "#ffeb9c", Meaning.INTE: "#ffc7ce",
            Meaning.EJ_BEDOMD: "#e7e6e6", Meaning.BEROR_INTE: "#ffffff"}


_AS_ASSESSMENT = {Meaning.HELT: Assessment.HELT, Meaning.DELVIS: Assessment.DELVIS, Meaning.INTE: Assessment.INTE,
                  Meaning.EJ_BEDOMD: Assessment.EJ_BEDOMD}


class Grade(BaseModel):
    """One value of the scale, as the contributor picks it and the report prints it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1, description=(
        "Värdet som rullistan erbjuder och rapporten skriver ut; utan kommatecken och citattecken."),
        examples=["Uppfylls helt"])
    means: Meaning = Field(description=(
        "Vad värdet räknas som i rapportens meningar (\"3 av 5 mål uppfylls helt\"): helt, delvis, inte, ej_bedomd "
        "(inte bedömt; räknas som det), eller beror_inte (målet berör inte förvaltningen: ingen analys krävs och det "
        "räknas aldrig)."))
    symbol: str = Field("■", description="Symbolen som skrivs före värdet (●, ◆, ▲, ■).", examples=["●"])

    @field_validator("value")
    @classmethod
    def _fits_a_drop_down(cls, value: str) -> str:
        if value != value.strip() or any(c in value for c in ',"\n'):
            raise ValueError(f"värdet '{value}' får inte innehålla kommatecken, citattecken, radbrytning "
                             "eller börja eller sluta med mellanslag (det ska stå i en rullista i Excel)")
        return value

    @property
    def counted(self) -> bool:
        return self.means is not Meaning.BEROR_INTE

    @property
    def as_assessment(self) -> Assessment | None:
        """The built-in assessment the count sentences use; None for a goal outside the förvaltning."""
        return _AS_ASSESSMENT.get(self.means)


DEFAULT_GRADES = (
    Grade(value=Assessment.HELT.value, means=Meaning.HELT, symbol=Assessment.HELT.symbol),
    Grade(value=Assessment.DELVIS.value, means=Meaning.DELVIS, symbol=Assessment.DELVIS.symbol),
    Grade(value=Assessment.INTE.value, means=Meaning.INTE, symbol=Assessment.INTE.symbol),
    Grade(value=Assessment.EJ_BEDOMD.value, means=Meaning.EJ_BEDOMD, symbol=Assessment.EJ_BEDOMD.symbol),
)


class AssessmentScale(BaseModel):
    """The plan's `assessments:` block: its scale and the goal levels that carry no assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scale: list[Grade] = Field(default_factory=lambda: list(DEFAULT_GRADES), description=(
        "Värdena i rullistans ordning; exakt ett har means: ej_bedomd (det skrivs för ett mål som inte bedömts). "
        "Utelämnad: Uppfylls helt, Uppfylls delvis, Uppfylls inte, Ej bedömd."))
    unassessed_levels: list[int] = Field(default_factory=list, description=(
        "Målnivåer (1–3) som bara beskrivs i text: ingen bedömning efterfrågas, skrivs ut eller räknas."),
        examples=[[1]])

    @model_validator(mode="after")
    def _consistent(self) -> "AssessmentScale":
        problems = []
        values = [g.value for g in self.scale]
        problems += [f"scale: värdet '{v}' förekommer flera gånger" for v in sorted({v for v in values if values.count(v) > 1})]
        unassessed = [g.value for g in self.scale if g.means is Meaning.EJ_BEDOMD]
        if len(unassessed) != 1:
            problems.append(f"scale: exakt ett värde ska ha means: ej_bedomd (det som skrivs för ett mål som inte "
                            f"bedömts), men {len(unassessed)} har det")
        if len(",".join(values)) > DROP_DOWN_LIMIT:
            problems.append(f"scale: värdena får tillsammans vara högst {DROP_DOWN_LIMIT} tecken (Excels gräns för en rullista)")
        problems += [f"unassessed_levels: nivån {n} finns inte; målnivåerna är 1, 2 och 3"
                     for n in self.unassessed_levels if n not in (1, 2, 3)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def values(self) -> list[str]:
        return [g.value for g in self.scale]

    @property
    def unassessed(self) -> Grade:
        """The value printed for a goal whose owner gave none (or one outside the scale)."""
        return next(g for g in self.scale if g.means is Meaning.EJ_BEDOMD)

    def legend(self) -> list[str]:
        """'● Uppfylls helt', … for a scale of the plan's own; empty for the default scale, whose legend is fixed."""
        if tuple(self.scale) == DEFAULT_GRADES:
            return []
        return [f"{g.symbol} {g.value}" for g in self.scale] + ["■ Ej mätbar", "✓ Aktiviteten är genomförd"]

    def grade(self, value: str) -> Grade:
        return next((g for g in self.scale if g.value == value), self.unassessed)

    def own_words(self) -> dict[str, str]:
        """Value → meaning (helt, delvis, inte) of the values worded otherwise than the built-in ones ('Uppfyllt')."""
        return {g.value: g.means.value for g in self.scale
                if g.means in (Meaning.HELT, Meaning.DELVIS, Meaning.INTE) and g.value != g.as_assessment.value}

    def needs_analysis(self, value: str) -> bool:
        """A goal outside the förvaltning needs no analysis; every other one does."""
        return self.grade(value).counted if value in self.values else True
