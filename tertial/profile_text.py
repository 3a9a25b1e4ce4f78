"""A report profile's labels: reports label an analysis "Analys" or "Kommentar"; `labels:` says which, for a goal's
analysis and for the one under an indicator or activity row."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from tertial.plan import Strict


class AnalysisLabel(StrEnum):
    ANALYS = "Analys"
    KOMMENTAR = "Kommentar"


class Labels(Strict):
    """A profile's `labels:`."""

    goal_analysis: AnalysisLabel = Field(AnalysisLabel.ANALYS, description="Rubriken över ett måls analys.")
    row_analysis: AnalysisLabel = Field(AnalysisLabel.ANALYS, description=(
        "Etiketten på analysen under en indikator- eller aktivitetsrad."))
