"""The activity statuses a plan offers: their words, the symbol the report prints, and which are finished.

Published reports differ: one prints a ✓ for a completed activity and nothing else, another marks
*genomförd* (✓), *pågår* and *avvikelse* (ⓘ). A plan may therefore declare its own vocabulary
(`activity_statuses` in plan.yaml); without it the built-in one of `ActivityStatus` applies.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tertial.vocabulary import ActivityStatus


class ActivityStatusChoice(BaseModel):
    """One status of the plan's activity vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1, pattern=r"^[^,\"]+$",
                       description="Statusen som den väljs i arbetsboken och skrivs i rapporten (utan kommatecken och "
                                   "citattecken: den står i arbetsbokens rullista).", examples=["Genomförd"])
    symbol: str = Field("", description="Skrivs före aktivitetens namn, t.ex. ✓ eller ⓘ; tom: ingen symbol.",
                        examples=["✓"])
    finished: bool = Field(False, description=(
        "true när inget arbete återstår: en sådan aktivitet varnas aldrig som försenad. Minst en status ska ha det."))


def _distinct(choices: list[ActivityStatusChoice]) -> list[ActivityStatusChoice]:
    seen: set[str] = set()
    repeated = sorted({c.value for c in choices if c.value in seen or seen.add(c.value)})
    if repeated:
        raise ValueError(f"statusen {', '.join(repeated)} förekommer flera gånger")
    if not any(c.finished for c in choices):
        raise ValueError("ingen status är markerad finished: true, så varje aktivitet efter sitt slutdatum "
                         "skulle varnas som försenad; markera den eller de statusar som betyder att aktiviteten är klar")
    return choices


ActivityVocabulary = Annotated[list[ActivityStatusChoice], Field(min_length=1), AfterValidator(_distinct)]

# Today's statuses: only Genomförd is finished, and only it has a symbol.
BUILT_IN: tuple[ActivityStatusChoice, ...] = tuple(
    ActivityStatusChoice(value=s.value, symbol="✓" if s is ActivityStatus.GENOMFORD else "",
                         finished=s is ActivityStatus.GENOMFORD)
    for s in ActivityStatus
)


def activity_statuses(declared: list[ActivityStatusChoice] | None) -> tuple[ActivityStatusChoice, ...]:
    """The plan's declared vocabulary, or the built-in one."""
    return tuple(declared) if declared else BUILT_IN


def finished_values(declared: list[ActivityStatusChoice] | None) -> set[str]:
    return {c.value for c in activity_statuses(declared) if c.finished}
