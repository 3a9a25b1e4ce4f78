"""Leadership's page in `tertial serve`: the live status, the goal tree by colour and word, the economy headline,
who is late and the latest draft report, read only.

One server on the mini cycle for the module: two contributors hand in through one real collect run (the third,
Äldreavdelningen, does not and is late), the controller approves one, and the service's clock stands on a day
after the deadlines. Leadership signs in by the mailed link (a real SMTP server); every figure and word the page
shows is checked against what is computed here from the test data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import httpx
import lxml.html
import pytest

from commands.web import build_app
from flows.collect import collect
from tertial.accepted import accepted_versions
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.deadlines import days_left, days_text, long_date
from tertial.economy import budget_adherence, operations_columns
from tertial.numbers import format_number, format_quantity
from tertial.render.formats import write_report_files
from tertial.review import approve, return_submission
from tertial.status import Status
from tertial.vocabulary import IndicatorStatus
from tertial.web import links
from tertial.assessments import Meaning
from tertial.web.overview import NOT_REPORTED, NOT_YET, PROSE_ONLY, economy_headline, goal_tally, goal_tree
from tertial.workspace import Workspace
from tests.builders import (
    ECONOMY_KEYS, MINI_ECONOMY, MINI_INDICATORS, MINI_VB_ECONOMY, accepted_version, accepted_versions as filled_versions,
    changed_copy, filled_rows, write_filled,
)
from tests.conftest import DATA, MINI
from tests.test_goal_tree import TREE, _rows as tree_rows
from tests.webapp import CONTROLLER, LEADER, accessible, chromium, fits_the_screen, free_port, mail_server, running, sign_in

pytestmark = [pytest.mark.flow, pytest.mark.browser]

DAY = dt.date(2025, 5, 9)  # after every deadline of the mini cycle (äldre: 5 May, the others: 7 May)
NOW = dt.datetime(2025, 5, 9, 10, 0, tzinfo=dt.UTC)
HANDED_IN = ("stab", "barn")
PARTLY = "1.1.1"  # barn assesses this goal "Uppfylls delvis"; every other goal handed in is "Uppfylls helt"


class Site:
    def __init__(self, url, box, workdir, app) -> None:
        self.url, self.box, self.workdir, self.app = url, box, workdir, app
        self.cycle = load_cycle(MINI)
        self.ledger = Workspace(workdir).open_ledger()

    def page(self, client: httpx.Client):
        answer = client.get(f"{self.url}/ledning")
        assert answer.status_code == 200
        return lxml.html.fromstring(answer.text)


def _barn_rows(cycle):
    rows = filled_rows(cycle, "barn")
    next(r for r in rows["goals"] if r["goal"] == PARTLY)["assessment"] = "Uppfylls delvis"
    return rows


@pytest.fixture(scope="module")
def site(tmp_path_factory, prefect_harness):
    root, port = tmp_path_factory.mktemp("ledning"), free_port()
    workdir, inbox = root / "arbete", root / "inkorg"
    inbox.mkdir()
    cycle = load_cycle(MINI)
    write_filled(inbox, cycle, "stab")
    write_filled(inbox, cycle, "barn", _barn_rows(cycle))
    outcomes = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert sorted(o.version.contributor_id for o in outcomes if o.version.accepted) == sorted(HANDED_IN)
    approve(Workspace(workdir).open_ledger(), cycle, "barn", by=CONTROLLER)
    with mail_server() as (box, mailer):
        app = build_app(MINI, workdir, base_url=f"http://127.0.0.1:{port}", mailer=mailer)
        app.state.service = dataclasses.replace(app.state.service, clock=lambda: NOW)
        with running(app, port) as url:
            yield Site(url, box, workdir, app)


@pytest.fixture(scope="module")
def leader(site):
    with httpx.Client() as client:
        assert sign_in(client, site.url, site.box, LEADER).headers["location"] == "/ledning"
        yield client


def _text(element) -> str:
    """The element's text with its layout's white space collapsed (a figure's non-breaking space kept)."""
    return re.sub(r"[ \t\r\n]+", " ", element.text_content()).strip()


def test_the_live_status_counts_and_who_is_late(site, leader):
    page = site.page(leader)
    expected = {"stab": Status.ACCEPTED, "barn": Status.REVIEWED, "aldre": Status.LATE}
    for c in site.cycle.config.contributors:
        row = page.get_element_by_id(f"rad-{c.id}")
        deadline, left = site.cycle.deadline(c.id), days_left(site.cycle.deadline(c.id), DAY)
        assert [_text(td) for td in row.xpath("th|td")] == [
            c.avdelning, expected[c.id].value, long_date(deadline), days_text(left, c.id in HANDED_IN)]
    total = len(site.cycle.config.contributors)
    assert _text(page.get_element_by_id("klara")) == f"{len(HANDED_IN)} av {total} ({round(100 * len(HANDED_IN) / total)} %)"
    assert _text(page.get_element_by_id("granskade")) == "1"
    assert _text(page.get_element_by_id("sena")) == "1"
    late = page.get_element_by_id("sen-aldre")
    deadline = site.cycle.deadline("aldre")
    assert [_text(td) for td in late.xpath("th|td")] == [
        "Äldreavdelningen", long_date(deadline), str(-days_left(deadline, DAY))]
    assert -days_left(deadline, DAY) == 4  # Tuesday to Friday after Monday 5 May
    assert len(page.xpath("//table[@id='forsenade']/tbody/tr")) == 1


def _goal(page, goal_id: str):
    return page.get_element_by_id(f"mal-{goal_id}")


def _mark(element) -> tuple[str, str]:
    """The word (with its symbol) and the colour of an element's own assessment."""
    mark = element.xpath("./span[@class='mark']")[0]
    return _text(mark), mark.get("style", "")


def test_every_goal_shows_its_assessment_in_words_and_colour_and_the_goals_not_yet_assessed_say_so(site, leader):
    page = site.page(leader)
    scale = site.cycle.plan.assessments
    owners = {c.id: c.avdelning for c in site.cycle.config.contributors}
    tally: dict[str, int] = {}
    for goal in site.cycle.plan.goals:
        owner = site.cycle.goal_owner[goal.id]
        element = _goal(page, goal.id)
        heading = _text(element.xpath("./strong")[0])
        assert heading.endswith(goal.title) and goal.number in heading
        assert goal.label in _text(element) and f"({owners[owner]})" in _text(element)
        word, style = _mark(element)
        if owner in HANDED_IN:
            grade = scale.grade("Uppfylls delvis" if goal.id == PARTLY else "Uppfylls helt")
            assert word == f"{grade.symbol} {grade.value}"
        else:
            grade = scale.unassessed
            assert word == NOT_YET
        assert style == f"background-color: {grade.means.colour}"
        tally[word] = tally.get(word, 0) + 1
    rows = page.xpath("//table[@id='bedomningar']//tr")
    assert {_text(r.xpath("th")[0]): int(_text(r.xpath("td")[0])) for r in rows} == tally
    colours = {_mark(_goal(page, g))[1] for g in ("1", PARTLY, "1.2")}
    assert len(colours) == 3  # helt, delvis and not yet assessed each in a colour of their own
    for indicator in site.cycle.plan.indicators:
        owner = site.cycle.goal_owner[indicator.goal]
        item = next(li for li in _goal(page, indicator.goal).xpath("./ul[@class='items']/li")
                    if indicator.name in _text(li))
        status = IndicatorStatus(MINI_INDICATORS[indicator.id][4])
        assert _mark(item)[0] == (f"{status.symbol} {status.value}" if owner in HANDED_IN else NOT_REPORTED)
    assert "Aktivitet: Utvärdera trygghetsskapande teknik" in _text(_goal(page, "1.2"))  # äldre's, not reported
    assert NOT_REPORTED in _text(_goal(page, "1.2").xpath("./ul[@class='items']/li[2]")[0])


def test_the_economy_headline_is_the_prognos_and_avvikelse_per_verksamhetsomrade(site, leader):
    page = site.page(leader)
    table = page.get_element_by_id("ekonomi")
    columns = dict(operations_columns(site.cycle.config.kind))
    # What the Avvikelse is measured against in a tertial report: the Prognos efter resultatöverföringar.
    shown = ["forecast_after", "deviation"]
    assert [_text(th) for th in table.xpath("./thead/tr/th")] == ["Verksamhetsområde"] + [columns[k] for k in shown]
    figures = {area: dict(zip(ECONOMY_KEYS, (Decimal(v.replace(",", ".")) for v in values)))
               for area, values in MINI_ECONOMY.items()}
    counted = ("iof", "aldre", "avskr")  # top and additive rows; varav barn never counts
    total = {k: sum((figures[a][k] for a in counted), Decimal(0)) for k in ECONOMY_KEYS}
    names = {row.id: row.name for row in site.cycle.plan.economy.areas}
    expected = [[names[a]] + [format_number(figures[a][k], 1) for k in shown] for a in MINI_ECONOMY]
    expected.append(["Totalt"] + [format_number(total[k], 1) for k in shown])
    assert [[_text(td) for td in tr.xpath("td")] for tr in table.xpath("./tbody/tr")] == expected
    adherence = budget_adherence(total, site.cycle.config.kind)
    assert _text(page.get_element_by_id("foljsamhet")) == f"Budgetföljsamheten är {format_quantity(adherence, '%', 1)}."


def test_the_latest_draft_report_once_assembled_can_be_downloaded_and_nothing_else(site, leader):
    assert _text(site.page(leader).get_element_by_id("rapport")) == "Inget utkast till rapporten har sammanställts än."
    report, _ = assemble(site.cycle, accepted_versions(site.ledger, site.cycle))
    written = write_report_files(report, Workspace(site.workdir).report, ("html", "json"))
    page = site.page(leader)
    assert "Senast sammanställd" in _text(page.get_element_by_id("rapport"))
    hrefs = page.xpath("//ul[@id='rapportfiler']//a/@href")
    assert hrefs == [f"/ledning/rapport/{written[k].name}" for k in ("html", "json")]
    for kind, href in zip(("html", "json"), hrefs):
        answer = leader.get(f"{site.url}{href}")
        assert answer.status_code == 200 and answer.content == written[kind].read_bytes()
        assert answer.headers["content-disposition"] == f'attachment; filename="report.{kind}"'
    for name in ("report.pdf", "kontroller.txt", "..%2Ftertial.sqlite", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"):
        assert leader.get(f"{site.url}/ledning/rapport/{name}").status_code == 404
    with httpx.Client() as anonymous:
        assert anonymous.get(f"{site.url}{hrefs[0]}", follow_redirects=False).headers["location"] == "/logga-in"


def test_the_page_is_read_only_and_only_for_leadership_and_controllers(site, leader):
    page = site.page(leader)
    assert page.xpath("//form/@action") == ["/logga-ut"]  # the header's sign-out, and nothing else
    assert leader.post(f"{site.url}/ledning").status_code == 405
    with httpx.Client() as anonymous:
        assert anonymous.get(f"{site.url}/ledning", follow_redirects=False).headers["location"] == "/logga-in"
    token = links.personal_link(site.app.state.service.key, site.cycle, site.workdir, "barn", 30, dt.datetime.now(dt.UTC))
    with httpx.Client() as contributor:
        assert contributor.get(f"{site.url}/b/{token}").status_code == 200
        assert contributor.get(f"{site.url}/ledning", follow_redirects=False).headers["location"] == "/logga-in"
    with httpx.Client() as controller:
        sign_in(controller, site.url, site.box, CONTROLLER)
        assert site.page(controller).get_element_by_id("rad-barn") is not None


def test_a_returned_submission_leaves_the_page_at_once_and_comes_back_when_approved(site, leader):
    return_submission(site.ledger, site.cycle, "barn", "Komplettera analysen.", by=CONTROLLER)
    page = site.page(leader)
    assert _text(page.get_element_by_id("rad-barn").xpath("td")[0]) == Status.RETURNED.value
    assert _mark(_goal(page, PARTLY))[0] == NOT_YET
    approve(site.ledger, site.cycle, "barn", by=CONTROLLER)
    assert _mark(_goal(site.page(leader), PARTLY))[0].endswith("Uppfylls delvis")


def test_the_page_is_accessible_in_chromium_and_fits_a_phone_and_a_1200_px_screen(site):
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{site.url}/logga-in")
        page.get_by_label("Din e-postadress").fill(LEADER)
        page.keyboard.press("Enter")
        page.wait_for_selector("#meddelande")
        page.goto(site.box.sign_in_link(LEADER))
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_selector("#maltrad")
        assert page.url.endswith("/ledning")
        accessible(page)
        fits_the_screen(page)
        context.close()


def _shown_tree(lines, found=None) -> dict:
    found = {} if found is None else found
    for line in lines:
        found[line.key] = line
        _shown_tree(line.children, found)
    return found


def test_a_plan_of_its_own_scale_shows_its_own_words_and_its_goals_described_in_prose_are_not_counted(tmp_path):
    cycle = load_cycle(TREE / "cycle.yaml")
    accepted = {c.id: accepted_version(cycle, tmp_path, c.id, tree_rows(cycle, c.id)) for c in cycle.config.contributors}
    report, _ = assemble(cycle, accepted)
    tree = goal_tree(report, cycle)
    shown = _shown_tree(tree)
    scale = cycle.plan.assessments
    assert {shown[g].mark.word for g in ("1", "3")} == {PROSE_ONLY}  # level 1 is prose only in this plan
    assert shown["1"].mark.colour is None
    for goal, word in (("servering", "Ingen"), ("skulder", "Uppfylls delvis"), ("arbete", "Uppfylls helt")):
        grade = scale.grade(word)
        assert (shown[goal].mark.word, shown[goal].mark.symbol, shown[goal].mark.colour) == (
            grade.value, grade.symbol, grade.means.colour)
    assert shown["servering"].mark.colour == Meaning.BEROR_INTE.colour != Meaning.HELT.colour
    assessed = [g for g in cycle.plan.goals if cycle.plan.is_assessed(g)]
    assert sum(count for _, count in goal_tally(tree)) == len(assessed)


def test_the_economy_headline_of_a_verksamhetsberattelse_is_the_utfall_and_its_deviations(tmp_path):
    """The columns follow the table the report kind and profile give: Utfall and Avvikelse mot budget in a VB, and
    the Justerad avvikelse its profile heads the areas with."""
    path = changed_copy(DATA / "mini", tmp_path / "cykel", "vb.yaml", lambda data: data.pop("t2_report"))
    cycle = load_cycle(path.parent / "vb.yaml")
    (tmp_path / "in").mkdir()
    report, _ = assemble(cycle, filled_versions(cycle, tmp_path / "in"))
    headline = economy_headline(report, cycle)
    headings = dict(report.economy.operations.columns)
    assert headline.columns == [(k, headings[k]) for k in ("outcome", "deviation", "adjusted")]
    figures = {area: dict(zip(("previous", "budget", "outcome", "transfer"), (Decimal(v.replace(",", ".")) for v in values)))
               for area, values in MINI_VB_ECONOMY.items()}
    for values in figures.values():
        values["deviation"] = values["budget"] - values["outcome"]
        values["adjusted"] = values["deviation"] + values["transfer"]
    counted = [figures[a] for a in ("iof", "aldre", "avskr")]
    total = {k: sum((v[k] for v in counted), Decimal(0)) for k in ("outcome", "deviation", "adjusted")}
    shown = [{k: line.values[k] for k, _ in headline.columns} for line in headline.lines]
    assert shown == [{k: figures[a][k] for k, _ in headline.columns} for a in MINI_VB_ECONOMY] + [total]
