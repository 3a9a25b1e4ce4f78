"""docs/konfiguration.md documents every configuration key, and is exactly what the models generate."""

from __future__ import annotations

import re

from scripts.make_config_doc import TARGET, config_doc, documented_keys
from tertial.cycle import CycleConfig
from tertial.kolada import KoladaFile
from tertial.plan import Plan
from tertial.profile import ProfileFile

# Words only an English description would use: the descriptions are the users' documentation, in Swedish.
ENGLISH = re.compile(r"\b(the|which|when|printed|whose|its)\b")


def test_every_key_has_a_swedish_description():
    keys = documented_keys()
    models = {model for model, _, _ in keys}
    assert {CycleConfig, Plan, ProfileFile, KoladaFile} <= models
    assert len(keys) > 150  # every nested table of the four files, not only their top keys
    missing = [f"{model.__name__}.{name}" for model, name, field in keys if not (field.description or "").strip()]
    assert not missing, f"keys without a description: {missing}"
    english = [f"{model.__name__}.{name}" for model, name, field in keys if ENGLISH.search(field.description)]
    assert not english, f"descriptions still in English: {english}"


def test_every_key_is_in_the_document_with_an_example_unless_it_is_a_table():
    doc = config_doc()
    for model, name, field in documented_keys():
        rows = [line for line in doc.splitlines() if line.startswith(f"| `{name}` |") and field.description[:40] in line]
        assert rows, f"{model.__name__}.{name} is not documented"
        cells = rows[0].split(" | ")
        assert cells[3].strip() or "tabell, se" in cells[1], f"{model.__name__}.{name} has no example"


def test_hidden_meanings_are_spelled_out():
    doc = config_doc()
    aggregation = next(line for line in doc.splitlines() if line.startswith("| `aggregation` |"))
    assert "låsta i arbetsboken" in aggregation and "män + kvinnor" in aggregation
    frequency = next(line for line in doc.splitlines() if line.startswith("| `frequency` |"))
    assert "bara i VB" in frequency


def test_the_committed_document_is_the_generated_one():
    """Regenerate with `python -m scripts.make_config_doc` after changing a model."""
    assert TARGET.read_text(encoding="utf-8") == config_doc()
