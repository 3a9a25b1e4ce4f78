"""An expectation's configuration built once per question GX asks of it, rather than once for every key it reads.

Great Expectations 1.24 answers "which columns, which parameters, which result format" for an expectation (many
times per metric of every run) by rebuilding its whole configuration through pydantic for each key it looks up:
≈ 40 % of a validation's time (bench/RESULTS.md). These are GX's own three methods with the configuration kept in a
local; their answers are the same. They replace GX's only for the version they were written against, so an upgrade
falls back to GX's own (tests/test_gx_kwargs.py says so).
"""

from __future__ import annotations

from typing import Any

import great_expectations as gx
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import parse_result_format

FOR_VERSION = "1.24.1"


def _kwargs(expectation: Expectation, keys: tuple[str, ...], configured: dict) -> dict[str, Any]:
    return {key: configured.get(key, expectation._get_default_value(key)) for key in keys}


def _domain_kwargs(self: Expectation) -> dict[str, Any]:
    return _kwargs(self, self.domain_keys, self.configuration.kwargs)


def _success_kwargs(self: Expectation, configured: dict | None = None) -> dict[str, Any]:
    configured = self.configuration.kwargs if configured is None else configured
    return _kwargs(self, self.success_keys, configured) | _kwargs(self, self.domain_keys, configured)


def _runtime_kwargs(self: Expectation, runtime_configuration: dict | None = None) -> dict[str, Any]:
    runtime_configuration = runtime_configuration or {}
    configured = self.configuration.kwargs
    runtime = {key: runtime_configuration.get(key, _success_kwarg(self, key, configured)) for key in self.runtime_keys}
    runtime |= _success_kwargs(self, configured)
    runtime["result_format"] = parse_result_format(runtime["result_format"])
    return runtime


def _success_kwarg(self: Expectation, key: str, configured: dict) -> Any:
    if key in configured:
        return configured[key]
    return self._get_success_kwarg(key)  # GX's own fallback: the field's default


COPIES = {"_get_domain_kwargs": _domain_kwargs, "_get_success_kwargs": _success_kwargs,
          "_get_runtime_kwargs": _runtime_kwargs}
GX_OWN = {name: getattr(Expectation, name) for name in COPIES}  # what they replace (tests compare the answers)


def install() -> None:
    """GX's methods replaced by the copies, when GX is the version they copy."""
    if gx.__version__ == FOR_VERSION:
        for name, method in COPIES.items():
            setattr(Expectation, name, method)
