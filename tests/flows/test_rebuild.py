"""The ledger is rebuilt from the archive alone, with the same versions and verdicts."""

import pytest

from flows.collect import collect
from flows.rebuild_ledger import rebuild_ledger
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tertial.errors import TertialError
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def test_rebuilt_ledger_matches_the_original(tmp_path, mini_cycle):
    inbox = tmp_path / "inkorg"
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-1.xlsx")
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path)
    write_filled(inbox, mini_cycle, "aldre", name="aldre-2.xlsx")
    write_filled(inbox, mini_cycle, "barn")
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path)
    original = Ledger(f"sqlite:///{tmp_path / 'tertial.sqlite'}").versions(mini_cycle.config.id)

    rebuilt_url = f"sqlite:///{tmp_path / 'aterskapad.sqlite'}"
    rebuilt = rebuild_ledger(cycle_path=MINI, workdir=tmp_path, ledger_url=rebuilt_url)

    shape = lambda vs: sorted((v.contributor_id, v.number, v.sha256, v.status, v.errors, v.warnings) for v in vs)  # noqa: E731
    assert shape(rebuilt.versions) == shape(original)
    assert rebuilt.refused == []
    assert [(v.number, v.status) for v in Ledger(rebuilt_url).versions(mini_cycle.config.id, "aldre")] == [(1, "underkänd"), (2, "godkänd")]
    with pytest.raises(TertialError, match="redan versioner"):
        rebuild_ledger(cycle_path=MINI, workdir=tmp_path, ledger_url=rebuilt_url)
