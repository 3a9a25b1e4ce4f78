"""Issue 16, point 8: a large change from last year is a warning only when the analysis does not mention it."""

from __future__ import annotations

import pytest

from tertial.checking.indicator_facts import mentions_change
from tests.test_validation import _findings, _set


@pytest.mark.parametrize("analysis, warned", [
    ("x", True),  # also in tests/test_validation.py; kept here as the pair's failing half
    ("Andelen har sjunkit kraftigt jämfört med föregående år, eftersom mätmetoden ändrades.", False),
    ("Utfallet minskade från 68 till 20 procent när enkäten byttes.", False),
])
def test_large_change_only_when_the_analysis_is_silent(tmp_path, mini_cycle, analysis, warned):
    # From 68 % last year to 20 %: more than half.
    # Men and women around the total, so no other finding takes the Utfall cell first.
    change = _set("indicators", "1.1-I1", outcome="20 %", men="19 %", women="21 %", status="Uppfylls delvis",
                  analysis=analysis)
    found = [f for f in _findings(tmp_path, mini_cycle, "barn", change) if f.rule_id == "indicator_large_change"]
    assert bool(found) is warned, [f.message for f in found]


@pytest.mark.parametrize("text, mentions", [
    # Seed 002's comments on its indicators.
    ("Trots olika insatser har sjukfrånvaron successivt ökat något under året.", True),
    ("Förvaltningen uppnår inte fullt ut årsmålet om 93 procent.", False),
    ("", False), (None, False),
])
def test_mentions_change(text, mentions):
    assert mentions_change(text) is mentions
