"""Libraries Great Expectations imports when it loads but runs only for expectations Tertial's suites do not use.

`import great_expectations` loads SciPy's statistics and Altair for the KL-divergence expectation (and Altair's
charts for data docs): a third of its import time on this machine, ≈ 1 s of CPU. Imported under `deferred`, such a
module is made but not run until something first reads from it (`importlib.util.LazyLoader`), so the suites never
pay for it and an expectation that does use it still works.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Deferring(importlib.abc.MetaPathFinder):
    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, name, path, target=None):
        if name not in self.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


@contextmanager
def deferred(*names: str) -> Iterator[None]:
    """Modules named here and first imported inside the block are loaded when first used, not when imported."""
    finder = _Deferring(frozenset(names))
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
