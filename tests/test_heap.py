"""A warm process's objects are frozen out of the collector's sight, and what it makes afterwards is still collected."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, weakref
import pandas  # warm objects, as a worker's imports are
from tertial.heap import freeze_warm_objects

frozen = freeze_warm_objects()

class Node:
    pass

a, b = Node(), Node()
a.other, b.other = b, a  # a cycle: only the collector frees it
gone = weakref.ref(a)
del a, b
gc.collect()
print(frozen, gone() is None, gc.get_freeze_count() == frozen)
"""


def test_warm_objects_are_frozen_and_later_garbage_is_still_collected():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    frozen, collected, unchanged = done.stdout.split()
    assert int(frozen) > 20_000  # pandas alone leaves tens of thousands of live objects
    assert collected == "True" and unchanged == "True"
