"""`tertial serve`: the contributor's page, reached by a personal link, served as plain HTML.

The app holds no intake of its own: an upload is streamed (size-limited) into a fresh inbox folder of
its own and handed to `intake`, the collect flow's own intake that `tertial collect` runs (the command passes
it in, so this package stays below the flows). What the contributor sees is read back from the ledger
and the feedback files intake wrote.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from tertial import prefill, workbooks
from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.calendar import contributor_calendar
from tertial.cycle import Cycle
from tertial.deadlines import local_time, long_date
from tertial.feedback.annotated_workbook import annotatable
from tertial.feedback.files import feedback_file_name
from tertial.findings import Finding, Severity
from tertial.intake import IntakeOutcome
from tertial.ledger import Event, Ledger, Version
from tertial.mail import Mailer
from tertial.reading import claimed_contributor
from tertial.reminders import Delivery
from tertial.render.html import make_environment
from tertial.resources import TEMPLATES
from tertial.settings import load_settings
from tertial.status import REVIEWS, EventKind
from tertial.web import attesting, controller, decisions, drafts, leadership, reminding, sessions, signin, sso
from tertial.web.csv_zip import NotUnpacked
from tertial.web.links import LinkClaim, LinkRefused, csrf_matches, csrf_token, read_link
from tertial.web.rate import UploadRate
from tertial.web.shown import SECURITY_HEADERS, located
from tertial.web.shown import attachment as _attachment
from tertial.web.shown import shown as _shown
from tertial.web.upload import MAX_BODY_BYTES, NotAForm, TooLarge, WrongType, put_in_inbox, read_form
from tertial.workspace import Workspace

Intake = Callable[[Path], IntakeOutcome]  # takes in one file, as `tertial collect` takes in each file of its inbox
Remind = Callable[[dt.date], list[Delivery]]  # sends the mails due on the day, as `tertial remind` does
Assemble = Callable[[], tuple[dict[str, Path], list[Finding]]]  # a draft report, its files and checks (`tertial assemble`)
Attest = Callable[[str], object]  # the named attester attests the report, as `tertial attest --namn` does
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DROP_SCRIPT = TEMPLATES / "web" / "inlamning.js"  # drag and drop onto the upload form; the form works without it


@dataclass(frozen=True)
class Service:
    cycle: Cycle
    workdir: Path
    ledger: Ledger
    key: bytes
    intake: Intake
    mailer: Mailer  # sign-in links (and what else is mailed from a page)
    base_url: str = "http://127.0.0.1:8000"  # where mailed links point: TERTIAL_PUBLIC_URL, never a request's Host
    sso: Any = None  # the city's OpenID Connect provider (tertial/web/sso.py), when configured
    max_body_bytes: int = MAX_BODY_BYTES
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    uploads: UploadRate = field(default_factory=UploadRate.from_settings)  # how often a link may hand in
    sign_in_mails: UploadRate = field(default_factory=UploadRate.sign_in_mails)  # how often one address is mailed a link
    remind: Remind | None = None  # None: the controller's page says reminders are not sent from this service
    assemble: Assemble | None = None  # None: likewise for the draft report
    attest: Attest | None = None  # None: the attestation page says to run `tertial attest`
    settled: Callable[[], object] = lambda: None  # until the uploads being taken in have all their feedback files


def create_app(service: Service) -> FastAPI:
    app = FastAPI(title="Tertial", docs_url=None, redoc_url=None, openapi_url=None)
    pages = Pages(service)
    app.state.service, app.state.pages = service, pages  # what the routers of the signed-in pages reach
    sessions.install(app, service.key, secure=service.base_url.startswith("https://"))

    @app.exception_handler(sessions.SignInRequired)
    async def sign_in_first(request: Request, error: sessions.SignInRequired) -> Response:
        return RedirectResponse("/logga-in", status_code=303, headers=SECURITY_HEADERS)

    @app.exception_handler(sessions.NotAllowed)
    async def not_allowed(request: Request, error: sessions.NotAllowed) -> HTMLResponse:
        return pages.problem(403, "Ingen behörighet", "Sidan hör till en annan roll än din. Logga in med en annan adress "
                                                      "eller kontakta controllern.")

    @app.exception_handler(LinkRefused)
    async def refused(request: Request, error: LinkRefused) -> HTMLResponse:
        return pages.problem(error.status, "Länken fungerar inte", error.message)

    @app.exception_handler(HTTPException)
    @app.exception_handler(RequestValidationError)  # /version/abc: no such page either
    async def not_found(request: Request, error: Exception) -> HTMLResponse:
        status = error.status_code if isinstance(error, HTTPException) else 404
        return pages.problem(status, "Sidan finns inte", "Det finns ingen sådan sida. Öppna din personliga länk igen.")

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> HTMLResponse:
        return pages.problem(500, "Något gick fel", "Något gick fel hos Tertial. Försök igen om en stund; "
                                                    "kvarstår felet, kontakta controllern.")

    for router in (sso.router, signin.router, controller.router, decisions.router, reminding.router, drafts.router, attesting.router,
                   leadership.router):  # sso's paths before signin's {token}
        app.include_router(router)
    app.get("/", response_class=HTMLResponse)(pages.start)
    app.get("/static/inlamning.js")(pages.script)
    app.get("/b/{token}", response_class=HTMLResponse)(pages.contributor)
    app.get("/b/{token}/arbetsbok.xlsx")(pages.handout)
    app.get("/b/{token}/kalender.ics")(pages.calendar)
    app.post("/b/{token}/inlamning", response_class=HTMLResponse)(pages.upload)
    app.get("/b/{token}/version/{number}", response_class=HTMLResponse)(pages.version)
    app.get("/b/{token}/aterkoppling/{number}.xlsx")(pages.annotated)
    return app


class Pages:
    """The handlers; each one first reads the link, so nothing is shown or taken in without a valid one."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.env = make_environment()

    def claim(self, token: str) -> LinkClaim:
        s = self.service
        return read_link(s.key, token, s.cycle, s.workdir, s.clock())

    def person(self, request: Request) -> sessions.SignedIn | None:
        """Who is signed in (controller or leadership), for the header's name and sign-out button."""
        return sessions.signed_in(request, self.service.cycle)

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(f"web/{template}").render(title=self.service.cycle.title, **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def problem(self, status: int, heading: str, message: str) -> HTMLResponse:
        return self.render("problem.html.j2", status, heading=heading, message=message)

    def download(self, path: Path, media_type: str) -> FileResponse:
        """A file to save, under its own name, with the pages' security headers."""
        return FileResponse(path, media_type=media_type, headers=_attachment(path.name))

    def start(self) -> HTMLResponse:
        return self.render("start.html.j2")

    def script(self) -> Response:
        return Response(DROP_SCRIPT.read_bytes(), media_type="text/javascript; charset=utf-8", headers=SECURITY_HEADERS)

    def contributor(self, token: str) -> HTMLResponse:
        claim = self.claim(token)
        return self.render("contributor.html.j2", **self._contributor_context(token, claim))

    def _contributor_context(self, token: str, claim: LinkClaim) -> dict:
        cycle, cid = self.service.cycle, claim.contributor_id
        return {"token": token, "who": cycle.contributor(cid), "deadline": long_date(cycle.deadline(cid)),
                "expires": long_date(claim.expires.date()), "csrf": csrf_token(self.service.key, token),
                "versions": [_shown(v) for v in reversed(self._versions(cid))], "limit_mb": self.service.max_body_bytes >> 20,
                "reviews": [_review(e) for e in reversed(self._reviews(cid))]}

    def handout(self, token: str) -> Response:
        """The contributor's pre-filled workbook, made by the handout code `tertial open` uses."""
        cycle, cid = self.service.cycle, self.claim(token).contributor_id
        with tempfile.TemporaryDirectory() as folder:
            rows = prefill.handout_rows(cycle, cid, None, {})
            path = workbooks.write_handout(cycle, cid, rows, Path(folder), self.service.key)
            content = path.read_bytes()
        return Response(content, media_type=XLSX, headers=_attachment(path.name))

    def calendar(self, token: str) -> Response:
        """The contributor's deadline and the nämnd's meeting as a calendar file, the one `tertial open` hands out."""
        cid = self.claim(token).contributor_id
        return Response(contributor_calendar(self.service.cycle, cid), media_type="text/calendar; charset=utf-8",
                        headers=_attachment(f"{self.service.cycle.config.id}-{cid}.ics"))

    async def upload(self, token: str, request: Request) -> HTMLResponse:
        claim = self.claim(token)
        again = self.service.uploads.admit(token)  # counted before a byte of the body is read
        if again is not None:
            return self._too_often(again)
        try:
            form = await read_form(request, self.service.max_body_bytes)
        except TooLarge as error:
            return self.problem(413, "Filen är för stor", str(error))
        except WrongType as error:
            return self.problem(415, "Filen kan inte lämnas in", str(error))
        except NotAForm:
            return self.problem(400, "Formuläret kunde inte tas emot",
                                "Formuläret kunde inte läsas. Öppna din länk igen och lämna in en fil därifrån.")
        try:
            return await self._hand_in(token, claim, form)
        finally:
            await form.close()  # the spooled file; intake has its own copy in the archive

    def _too_often(self, again: dt.datetime) -> HTMLResponse:
        local = again.astimezone(ZoneInfo(load_settings().timezone))
        limit = self.service.uploads.item
        page = self.problem(429, "För många inlämningar",
                            f"Med din länk har {limit.amount} inlämningar gjorts de senaste {limit.multiples} minuterna, "
                            f"det högsta som tas emot. Försök igen tidigast kl. {local:%H:%M}. Ingenting har tagits emot "
                            "den här gången.")
        page.headers["Retry-After"] = str(max(1, int((again - self.service.clock()).total_seconds())))
        return page

    async def _hand_in(self, token: str, claim: LinkClaim, form: FormData) -> HTMLResponse:
        csrf, upload = form.get("csrf"), form.get("fil")
        if not isinstance(csrf, str) or not csrf_matches(self.service.key, token, csrf):
            return self.problem(403, "Formuläret kunde inte tas emot",
                                "Formuläret saknar sin kontrollkod eller har en felaktig. Öppna din länk igen och lämna in därifrån.")
        if not isinstance(upload, UploadFile) or not upload.size:
            return self.problem(400, "Ingen fil", "Välj en arbetsbok (.xlsx) eller en zippad CSV-mapp (.zip) att lämna "
                                                  "in och försök igen.")
        try:
            outcome = await run_in_threadpool(self._take_in, claim, upload.filename or "", upload.file)
        except NotUnpacked as error:
            return self.problem(400, "Zip-filen kan inte tas emot", str(error))
        if outcome is None:
            return self.problem(403, "Arbetsboken är inte din",
                                "Arbetsboken är utfärdad till en annan avdelning och kan inte lämnas in med din länk. "
                                "Ingenting har tagits emot. Ladda ner din egen arbetsbok från din sida och lämna in den.")
        return self._outcome_page(token, claim, outcome)

    def _take_in(self, claim: LinkClaim, name: str, content: BinaryIO) -> IntakeOutcome | None:
        """The upload as the only file of a fresh inbox folder, taken in by the same intake as the inbox's; None, and
        nothing taken in, for a workbook that says it is another contributor's: a link hands in for its own contributor
        only, so no link can add a version to anyone else's submissions."""
        root = self.service.workdir / "webbinkorg"
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        inbox = Path(tempfile.mkdtemp(dir=root))  # its own folder: uploads at the same time never meet
        try:
            path = put_in_inbox(inbox, name, content)  # a zipped CSV folder as the folder intake takes
            claimed = claimed_contributor(path)
            if claimed is not None and claimed != claim.contributor_id:
                return None
            return self.service.intake(path)
        finally:
            shutil.rmtree(inbox, ignore_errors=True)  # the original is in the archive now

    def _outcome_page(self, token: str, claim: LinkClaim, outcome: IntakeOutcome) -> HTMLResponse:
        owner = outcome.version.contributor_id
        if owner not in (claim.contributor_id, UNKNOWN_CONTRIBUTOR):
            return self.problem(403, "Arbetsboken är inte din",
                                "Arbetsboken är utfärdad till en annan avdelning och räknas inte som din inlämning. "
                                "Ladda ner din egen arbetsbok från din sida och lämna in den.")
        return self._feedback(token, claim, outcome.version, outcome.findings, recorded=owner == claim.contributor_id,
                              being_made=outcome.new and annotatable(Path(outcome.version.archive_path)))

    def version(self, token: str, number: int) -> HTMLResponse:
        claim = self.claim(token)
        version = self._own_version(claim, number)
        findings = located(version, self.service.ledger.findings(version.id), self.service.cycle)
        return self._feedback(token, claim, version, findings, recorded=True)

    def _feedback(self, token: str, claim: LinkClaim, version: Version, findings: list[Finding],
                  recorded: bool, being_made: bool = False) -> HTMLResponse:
        """`being_made`: a workbook just handed in, answered before its annotated copy is written (its download waits)."""
        annotated = recorded and (being_made or self._annotated_path(version).exists())
        reviews = [_review(e) for e in self._reviews(claim.contributor_id) if recorded and e.version == version.number]
        return self.render("feedback.html.j2", token=token, who=self.service.cycle.contributor(claim.contributor_id),
                           version=_shown(version), recorded=recorded, annotated=annotated, reviews=reviews,
                           errors=[f for f in findings if f.severity is Severity.ERROR],
                           warnings=[f for f in findings if f.severity is Severity.WARNING])

    def annotated(self, token: str, number: int) -> FileResponse:
        version = self._own_version(self.claim(token), number)
        path = self._annotated_path(version)
        if not path.exists():
            self.service.settled()  # a version just answered: its batch is still writing the workbook
        if not path.exists():
            raise HTTPException(404)
        return FileResponse(path, media_type=XLSX, headers=_attachment(path.name))

    def _annotated_path(self, version: Version) -> Path:
        return Workspace(self.service.workdir).feedback / feedback_file_name(version.contributor_id, version.number, "xlsx")

    def _versions(self, contributor_id: str) -> list[Version]:
        return self.service.ledger.versions(self.service.cycle.config.id, contributor_id)

    def _reviews(self, contributor_id: str) -> list[Event]:
        """The controller's approvals and returns of the contributor's versions, oldest first."""
        return self.service.ledger.events(self.service.cycle.config.id, contributor_id, kinds=REVIEWS)

    def _own_version(self, claim: LinkClaim, number: int) -> Version:
        """Only the link's own contributor's versions exist for it: anyone else's is simply not found."""
        version = next((v for v in self._versions(claim.contributor_id) if v.number == number), None)
        if version is None:
            raise HTTPException(404)
        return version


@dataclass(frozen=True)
class ShownReview:
    version: int | None
    decision: str
    by: str
    at: str
    comment: str


def _review(event: Event) -> ShownReview:
    """A controller's decision as the contributor reads it: an approval is "granskad", a return "återsänd"."""
    decision = "granskad" if event.kind == EventKind.APPROVED.value else "återsänd"
    return ShownReview(event.version, decision, event.actor, local_time(event.at), event.comment)
