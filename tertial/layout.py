"""The plan's layout: which parts of a goal, indicator and activity row the nämnd's report has at all.

Reports differ in what they ask and print: Socialnämndens VB 2013 has no *Förväntat resultat* under its nämndmål,
no status per indicator and no status per activity. A part the layout leaves out is not asked in the workbook,
not missed at intake and not printed. The default layout has every part, so a plan that declares none is
handled exactly as before.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tertial.assessments import AssessmentScale

# The Status an indicator's contributor picks for an indicator not followed up this period, with the reason in Analys.
NOT_FOLLOWED_UP = "Följs inte upp"


class Layout(BaseModel):
    """The plan's `layout:` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    goal_expected: bool = Field(True, description=(
        "Nämndmålen har Förväntat resultat; false: det efterfrågas inte, saknas inte och skrivs inte ut."))
    indicator_status: bool = Field(True, description=(
        "Varje indikator har en status (Uppfylls helt …); false: ingen efterfrågas, föreslås eller skrivs ut."))
    activity_status: bool = Field(True, description=(
        "Varje aktivitet har en status; false: ingen efterfrågas eller skrivs ut, och ingen varning för försenad aktivitet."))
    not_followed_up_choice: bool = Field(False, description=(
        "true: bidragsgivaren kan välja 'Följs inte upp' som indikatorns status, med skälet i Analys."))

    def indicator_choices(self, statuses: list[str]) -> list[str]:
        """The Status drop-down of an indicator row: the statuses the layout has, and the not-followed-up choice."""
        return (statuses if self.indicator_status else []) + ([NOT_FOLLOWED_UP] if self.not_followed_up_choice else [])

    def chose_not_followed_up(self, status: object) -> bool:
        """Whether the contributor picked the not-followed-up choice (only a plan that offers it has one)."""
        return self.not_followed_up_choice and isinstance(status, str) and status.strip() == NOT_FOLLOWED_UP


def legend(scale: AssessmentScale, layout: Layout) -> list[str]:
    """The report's legend: the scale's own (empty: the fixed one), without the symbols of parts the layout leaves out."""
    if layout.indicator_status and layout.activity_status:
        return scale.legend()
    return ([f"{g.symbol} {g.value}" for g in scale.scale] + (["■ Ej mätbar"] if layout.indicator_status else [])
            + (["✓ Aktiviteten är genomförd"] if layout.activity_status else []))
