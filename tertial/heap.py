"""A long-lived process's warm objects kept out of the garbage collector's way.

`tertial worker` and `tertial serve` warm up once (GX's context and suites, the templates, the fonts, the flows and
everything they import: several hundred thousand objects) and then keep all of it for their whole life. Python's
collector would otherwise walk every one of those objects again at each full collection, which a nämnd's work or
a batch of uploads triggers many times: measured with bench/budget.py, ≈ 18 % of a warm nämnd's CPU, and the report
model's 0.8 s were mostly that.
"""

from __future__ import annotations

import gc


def freeze_warm_objects() -> int:
    """Collect what warming up left behind, then move every live object out of the collector's sight; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
