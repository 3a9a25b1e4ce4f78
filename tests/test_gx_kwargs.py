"""The expectation's kwargs as Tertial's copy of GX's three methods gives them (tertial/checking/gx_kwargs.py): the
same answers as GX's own, for every expectation of every suite, and in use only for the GX version they copy."""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations.expectation import Expectation

from tertial.checking import gx_kwargs, suites
from tertial.resources import EXPECTATIONS


def test_the_copied_methods_answer_as_gx_does_for_every_expectation(monkeypatch):
    assert gx.__version__ == gx_kwargs.FOR_VERSION  # an upgrade: check the copies against GX's new methods, or drop them
    assert all(getattr(Expectation, name) is copy for name, copy in gx_kwargs.COPIES.items())  # installed with the suites
    expectations = [e for path in sorted(EXPECTATIONS.glob("*.json"))
                    for e in gx.ExpectationSuite(**suites.load_suite(path.stem)).expectations]
    assert len(expectations) > 40
    runtime = {"result_format": "COMPLETE"}
    answers = [(e._get_domain_kwargs(), e._get_success_kwargs(), e._get_runtime_kwargs(), e._get_runtime_kwargs(runtime))
               for e in expectations]
    for name, own in gx_kwargs.GX_OWN.items():
        monkeypatch.setattr(Expectation, name, own)
    assert [(e._get_domain_kwargs(), e._get_success_kwargs(), e._get_runtime_kwargs(), e._get_runtime_kwargs(runtime))
            for e in expectations] == answers
