"""Handing out: the contributor's pre-filled workbook."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial import workbooks
from tertial.access import require_token_key
from tertial.cycle import Cycle
from tertial.settings import load_settings
from tertial.web.links import handout_link
from tertial.workbooks import Rows


@task(cache_policy=NO_CACHE)
def write_handout(cycle: Cycle, contributor_id: str, rows: Rows, out_dir: Path, workdir: Path) -> Path:
    """The pre-filled workbook for one contributor, with its token under the key in `workdir` (looked up here, so never a
    run parameter), and its personal page's link when the installation says where `tertial serve` is (TERTIAL_PUBLIC_URL)."""
    key, base_url = require_token_key(workdir), load_settings().public_url
    link = handout_link(key, cycle, workdir, contributor_id, base_url) if base_url else None
    return workbooks.write_handout(cycle, contributor_id, rows, out_dir, key, link)
