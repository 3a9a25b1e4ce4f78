"""Attesting the report in `tertial serve`: the named attester signs it off, everyone else is refused.

One server on the mini cycle with its attester given the leadership's sign-in address. While a part is missing the
page says the report is a draft and offers no button; once every part is in and approved the attester's POST runs
the assemble flow with the attestation, recorded in the ledger, and the report becomes final with the name. A
controller who is not named, and a form without its token, are refused.
"""

from __future__ import annotations

import json

import httpx
import lxml.html
import pytest
import yaml

from commands.web import build_app
from flows.collect import collect
from tertial.config import load_cycle
from tertial.review import approve
from tertial.status import EventKind
from tertial.workspace import Workspace
from tests.builders import write_filled
from tests.conftest import MINI
from tests.webapp import CONTROLLER, LEADER, accessible, chromium, free_port, mail_server, running, sign_in, sign_in_in_browser

pytestmark = [pytest.mark.flow, pytest.mark.browser, pytest.mark.pdf]
ATTESTED_BY = "Detta dokument har godkänts digitalt av följande personer"


@pytest.fixture(scope="module")
def site(tmp_path_factory, prefect_harness):
    root, port = tmp_path_factory.mktemp("attest"), free_port()
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["plan"] = str(MINI.parent / "plan.yaml")
    data["attesters"] = [{"name": "Robin Chef", "title": "Socialdirektör", "email": LEADER}]
    cycle_path = root / "cycle.yaml"
    cycle_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cycle, workdir, inbox = load_cycle(cycle_path), root / "arbete", root / "inkorg"
    for contributor in ("stab", "barn"):  # äldre hands in later, in the test
        write_filled(inbox, cycle, contributor)
    collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)
    with mail_server() as (box, mailer):
        app = build_app(cycle_path, workdir, base_url=f"http://127.0.0.1:{port}", mailer=mailer)
        with running(app, port) as url:
            yield {"url": url, "box": box, "cycle": cycle, "path": cycle_path, "workdir": workdir, "inbox": inbox}


def _page(client: httpx.Client, url: str):
    answer = client.get(f"{url}/attestera")
    assert answer.status_code == 200
    return lxml.html.fromstring(answer.text)


def test_the_named_attester_attests_once_the_draft_is_complete_and_the_report_is_final(site):
    url, workdir, cycle = site["url"], site["workdir"], site["cycle"]
    ledger = Workspace(workdir).open_ledger()
    with httpx.Client() as leader, httpx.Client() as controller:
        sign_in(leader, url, site["box"], LEADER)
        sign_in(controller, url, site["box"], CONTROLLER)
        page = _page(leader, url)
        reasons = [li.text_content() for li in page.get_element_by_id("skal").xpath("li")]
        assert sorted(reasons) == ["Avdelningen för barn och unga: version 1 är inte granskad",
                                   "Stabsavdelningen: version 1 är inte granskad", "Äldreavdelningen: underlag saknas"]
        assert not page.xpath("//form[@action='/attestera']")  # a draft offers no button
        csrf = page.xpath("//form[@action='/logga-ut']/input[@name='csrf']/@value")[0]
        refused = leader.post(f"{url}/attestera", data={"csrf": csrf})
        assert refused.status_code == 409 and "utkast och kan inte attesteras" in refused.text

        write_filled(site["inbox"], cycle, "aldre")
        collect(cycle_path=site["path"], inbox=site["inbox"], workdir=workdir)
        for contributor in ("stab", "barn", "aldre"):
            approve(ledger, cycle, contributor, by=CONTROLLER)
        page = _page(leader, url)
        assert page.get_element_by_id("klar-att-attestera") is not None
        button = page.xpath("//form[@action='/attestera']//button")[0]
        assert button.text_content().strip() == "Attestera rapporten som Robin Chef"

        not_named = _page(controller, url)
        assert not not_named.xpath("//form[@action='/attestera']")
        assert CONTROLLER in not_named.get_element_by_id("inte-attestant").text_content()
        controller_csrf = not_named.xpath("//form[@action='/logga-ut']/input[@name='csrf']/@value")[0]
        assert controller.post(f"{url}/attestera", data={"csrf": controller_csrf}).status_code == 403
        assert leader.post(f"{url}/attestera", data={"csrf": "förfalskad"}).status_code == 403
        assert not ledger.events(cycle.config.id, kinds=(EventKind.ATTESTED.value,))

        done = leader.post(f"{url}/attestera", data={"csrf": csrf})
        assert done.status_code == 200 and "Robin Chef har attesterat rapporten." in done.text
    events = ledger.events(cycle.config.id, kinds=(EventKind.ATTESTED.value,))
    assert [e.actor for e in events] == ["Robin Chef"]
    report_folder = Workspace(workdir).report
    report = json.loads(next(report_folder.glob("*.json")).read_text(encoding="utf-8"))
    assert report["draft"] is False and [a["name"] for a in report["attestations"]] == ["Robin Chef"]
    html = next(report_folder.glob("*.html")).read_text(encoding="utf-8")
    assert ATTESTED_BY in html and "UTKAST" not in html


def test_the_attestation_page_passes_axe(site):
    with chromium() as browser:
        page = browser.new_page()
        sign_in_in_browser(page, site["url"], site["box"], LEADER)
        page.goto(f"{site['url']}/attestera")
        assert page.locator("h1").inner_text() == "Attest av rapporten"
        accessible(page)
