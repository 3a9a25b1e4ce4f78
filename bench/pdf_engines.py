"""PDF engines side by side: Typst (the product's since issue 18), WeasyPrint (the one before) and headless Chromium.

Issue 18, point 3: time (CPU seconds of the rendering process per report and per page, the engines interleaved
round by round, medians), fidelity (TOC with page numbers, running header, Swedish hyphenation, tagged PDF/UA-1,
fonts embedded, bookmarks; read back from the PDFs with pypdf) and dependency weight (installed Python
distributions and Debian packages). Run from the repository root:

    .venv/bin/python -m bench.pdf_engines                          # the demo report + 2 city nämnder, 5 rounds
    .venv/bin/python -m bench.pdf_engines --quick                  # the demo report, 1 round
    .venv/bin/python -m bench.pdf_engines --report a/report.json   # reports already assembled (repeatable)
    .venv/bin/python -m bench.pdf_engines --pages /tmp/sidor       # also PNG pages of Typst's PDFs to look at

The reports are assembled without Prefect (bench/direct.py) into JSON and read back into the model (the round trip
gives the same HTML byte for byte). The HTML, charts and JSON are made once before timing: assembly writes them
anyway; only the step from them to the PDF is timed. WeasyPrint and Typst run in this process (CPU = its process
time, all threads); Chromium runs in its own processes, so its CPU is this process's plus every descendant's
(browser, renderer, GPU and Playwright's driver). Start-up (import, font scan, browser launch) is timed once
apart. Prints a table and, last, one line `BENCH {json}`.
"""

from __future__ import annotations

import argparse
import html as markup
import importlib.metadata
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.city import CitySpec, generate_city, load_city
from bench.measure import cpu_seconds
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV
from tertial.report import Report
from tertial.resources import EXAMPLES

CITY = CitySpec(namnder=2)  # the full city's nämnd: 8 contributors, 80 indicators, 60 activities
ENGINES = ("weasyprint", "typst", "chromium")
# Long Swedish compounds in a 22 mm column: an engine that hyphenates Swedish breaks them with a hyphen.
HYPHENATION_WORDS = "Prestationsförändringar Omslutningsförändringar Budgetföljsamheten Verksamhetsområden"


@dataclass(frozen=True)
class Subject:
    """One report to set: its model and what assembly has already made from it."""

    name: str
    report: Report
    html: str
    charts: object


class Engine:
    """Start once, render many times, report its CPU seconds so far, close."""

    name = ""

    def start(self) -> None: ...

    def render(self, subject: Subject) -> bytes:
        raise NotImplementedError

    def probe(self, html: str, typst_source: str) -> bytes:
        raise NotImplementedError

    def cpu(self) -> float:
        return time.process_time()

    def close(self) -> None: ...


class WeasyPrint(Engine):
    name = "weasyprint"

    def start(self) -> None:
        import weasyprint  # noqa: F401

    def render(self, subject: Subject) -> bytes:
        """The report's HTML with its print CSS, as the product set its PDF before Typst."""
        import logging

        from weasyprint import HTML

        from tertial.resources import TEMPLATES

        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its font subsetter warns on every font
        return HTML(string=subject.html, base_url=str(TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")

    def probe(self, html: str, typst_source: str) -> bytes:
        from weasyprint import HTML

        return HTML(string=html).write_pdf()


class Typst(Engine):
    name = "typst"

    def start(self) -> None:
        from tertial.render.pdf import warm_up

        warm_up()

    def render(self, subject: Subject) -> bytes:
        from tertial.render.pdf import render_report_pdf

        return render_report_pdf(subject.report, subject.charts)

    def cpu(self) -> float:
        return time.process_time() + cpu_seconds()["descendants"]  # Typst sets the PDF in a child process

    def probe(self, html: str, typst_source: str) -> bytes:
        import typst

        return typst.compile(typst_source.encode("utf-8"), format="pdf")


class Chromium(Engine):
    """Debian's Chromium through Playwright, as tests/webapp.py launches it; the report's HTML as it is, the running
    header from Chromium's header template (it does not support CSS `string-set`)."""

    name = "chromium"

    def start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        self._page = self._browser.new_page()

    def _pdf(self, html: str, header: str | None = None) -> bytes:
        self._page.set_content(html, wait_until="load")
        options = {"display_header_footer": True, "header_template": header, "footer_template": "<span></span>"} if header else {}
        return self._page.pdf(format="A4", prefer_css_page_size=True, print_background=True, tagged=True, outline=True,
                              **options)

    def render(self, subject: Subject) -> bytes:
        header = ('<div style="font: 8pt \'DejaVu Sans\'; color: #555; width: 100%; margin: 0 20mm 0 22mm; display: flex; '
                  f'justify-content: space-between"><span>{markup.escape(subject.report.namnd)}</span>'
                  '<span class="title"></span></div>')
        return self._pdf(subject.html, header)

    def probe(self, html: str, typst_source: str) -> bytes:
        return self._pdf(html)

    def cpu(self) -> float:
        return time.process_time() + cpu_seconds()["descendants"]

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def make_engine(name: str) -> Engine:
    return {"weasyprint": WeasyPrint, "typst": Typst, "chromium": Chromium}[name]()


# --- the reports ---------------------------------------------------------------------------------------------------

def assembled(cycle_path: Path, inbox: Path, workdir: Path) -> Path:
    """The cycle's report.json, assembled without Prefect."""
    from bench import direct

    os.environ.setdefault(TOKEN_KEY_ENV, EXAMPLE_TOKEN_KEY.decode("ascii"))  # the demo's and city's workbooks are signed with it
    files = direct.run_cycle(cycle_path, inbox, workdir, f"sqlite:///{workdir / 'liggare.sqlite'}", ("json",))[1]
    return files["json"]


def report_files(quick: bool, scratch: Path) -> dict[str, Path]:
    demo = EXAMPLES / "eav-t1-2024"
    files = {"demo": assembled(demo / "cycle.yaml", demo / "submissions", scratch / "demo")}
    if not quick:
        generate_city(CITY, scratch / "stad")
        for n, namnd in enumerate(load_city(scratch / "stad"), start=1):
            files[f"stad-{n}"] = assembled(namnd.cycle_path, namnd.inbox, scratch / f"stad-{n}")
    return files


def subject(name: str, path: Path) -> Subject:
    """The report read back from its JSON; named by its cycle when `name` is empty."""
    from tertial.render.charts import ReportCharts
    from tertial.render.html import render_html

    report = Report.model_validate_json(path.read_text(encoding="utf-8"))
    charts = ReportCharts(report)
    return Subject(name or report.cycle_id, report, render_html(report, True, charts), charts)


# --- time ----------------------------------------------------------------------------------------------------------

def timed(action: Callable[[], bytes], cpu: Callable[[], float]) -> tuple[bytes, float, float]:
    before, started = cpu(), time.perf_counter()
    result = action()
    return result, cpu() - before, time.perf_counter() - started


def start_engines(names: tuple[str, ...]) -> tuple[dict[str, Engine], dict[str, float]]:
    """Each engine started, and its start-up wall seconds (import, font scan, browser launch)."""
    engines, startup = {}, {}
    for name in names:
        engine = make_engine(name)
        started = time.perf_counter()
        engine.start()
        startup[name] = time.perf_counter() - started
        engines[name] = engine
    return engines, startup


def measure(engines: dict[str, Engine], subjects: list[Subject], rounds: int) -> tuple[dict, dict[tuple[str, str], bytes]]:
    """Every engine on every report, interleaved within each round; the last PDF of each is kept."""
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    pdfs: dict[tuple[str, str], bytes] = {}
    for _ in range(rounds):
        for s in subjects:
            for name, engine in engines.items():
                pdf, cpu, wall = timed(lambda: engine.render(s), engine.cpu)
                sample = samples.setdefault((name, s.name), {"cpu": [], "wall": []})
                sample["cpu"].append(cpu)
                sample["wall"].append(wall)
                pdfs[(name, s.name)] = pdf
    return samples, pdfs


# --- fidelity ------------------------------------------------------------------------------------------------------

def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def fidelity(pdf: bytes, report: Report) -> dict[str, object]:
    """What a reader and a screen reader get, read back from the file."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
    texts = page_texts(pdf)
    toc = next((t for t in texts if "Innehållsförteckning" in t), "")
    fonts = list(embedded_fonts(reader))
    return {
        "pages": len(texts),
        "toc_page_numbers": len(re.findall(r"\.{3,}\s*\d+\s*$", toc, re.MULTILINE)),
        "running_header_pages": sum(report.namnd in t for t in texts[1:]) / max(len(texts) - 1, 1),
        "tagged": "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked")),
        "lang": str(root.get("/Lang", "")),
        "pdfua_1": bool(re.search(r"pdfuaid:part(>|=\")1", xmp)),
        "fonts": len(fonts),
        "fonts_embedded": all(embedded for _, embedded in fonts),
        "bookmarks": len(flattened(reader.outline)),
        "bytes": len(pdf),
    }


def embedded_fonts(reader) -> set[tuple[str, bool]]:
    found = set()
    for page in reader.pages:
        for ref in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found.add((str(font.get("/BaseFont")), any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    return found


def flattened(outline: list) -> list:
    return [item for entry in outline for item in (flattened(entry) if isinstance(entry, list) else [entry])]


def hyphenates_swedish(engine: Engine) -> bool:
    """A narrow column of long Swedish compounds, hyphenation asked for: are any of them broken with a hyphen?"""
    html = (f'<html lang="sv"><body><p style="width: 22mm; hyphens: auto; font: 10pt \'DejaVu Sans\'">'
            f'{HYPHENATION_WORDS}</p></body></html>')
    typst_source = (f'#set text(lang: "sv", font: "DejaVu Sans", size: 10pt, hyphenate: true)\n'
                    f'#block(width: 22mm)[{HYPHENATION_WORDS}]\n')
    text = "\n".join(page_texts(engine.probe(html, typst_source)))
    return bool(re.search(r"\w[-\u2010\u00ad]\s*\n\s*\w", text))


# --- dependency weight ---------------------------------------------------------------------------------------------

# What each engine loads beyond Python: WeasyPrint opens Pango, HarfBuzz and Fontconfig through cffi; Typst is one
# self-contained extension module (libc only); Chromium is Debian's browser (Playwright drives it, its own download
# unused). The DejaVu fonts (fonts-dejavu-core) are needed by all three and are left out.
SYSTEM_PACKAGES = {
    "weasyprint": ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libfontconfig1"),
    "typst": (),
    "chromium": ("chromium", "chromium-common"),
}
PYTHON_DISTRIBUTIONS = {"weasyprint": "weasyprint", "typst": "typst", "chromium": "playwright"}


def distribution_closure(name: str) -> set[str]:
    """The distribution and everything it requires (without extras), as installed."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        key = re.sub(r"[-_.]+", "-", current).lower()
        if key in seen:
            continue
        try:
            requirements = importlib.metadata.requires(current) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.add(key)
        todo += [re.split(r"[ ;<>=!~\[(]", r, maxsplit=1)[0] for r in requirements if "extra ==" not in r]
    return seen


def installed_bytes(distribution: str) -> int:
    files = importlib.metadata.distribution(distribution).files or []
    return sum(f.locate().stat().st_size for f in files if f.locate().exists())


def debian_kib(packages: tuple[str, ...]) -> tuple[int, int]:
    """Installed-Size (KiB) of the packages, and how many packages they depend on besides themselves."""
    if not packages or shutil.which("dpkg-query") is None:
        return 0, 0
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Installed-Size}\t${Depends}\n", *packages],
                         capture_output=True, text=True).stdout
    sizes, depends = 0, set()
    for line in out.splitlines():
        size, _, deps = line.partition("\t")
        sizes += int(size or 0)
        depends |= {d.strip().split(" ")[0] for d in deps.split(",") if d.strip()}
    return sizes, len(depends - set(packages))


def weight(engine: str) -> dict[str, object]:
    distributions = sorted(distribution_closure(PYTHON_DISTRIBUTIONS[engine]))
    kib, depends = debian_kib(SYSTEM_PACKAGES[engine])
    return {"python_distributions": distributions, "python_mib": sum(map(installed_bytes, distributions)) / 2**20,
            "debian_packages": list(SYSTEM_PACKAGES[engine]), "debian_mib": kib / 1024, "debian_depends": depends}


# --- the run -------------------------------------------------------------------------------------------------------

def summary(samples: dict, pdfs: dict, subjects: list[Subject]) -> list[dict[str, object]]:
    rows = []
    for (name, report_name), sample in samples.items():
        report = next(s.report for s in subjects if s.name == report_name)
        facts = fidelity(pdfs[(name, report_name)], report)
        cpu = statistics.median(sample["cpu"])
        rows.append({"engine": name, "report": report_name, "cpu_s": cpu, "wall_s": statistics.median(sample["wall"]),
                     "cpu_per_page_ms": 1000 * cpu / facts["pages"], "rounds": len(sample["cpu"]), **facts})
    return rows


def table(rows: list[dict[str, object]], hyphenation: dict[str, bool]) -> str:
    lines = ["| Engine | Report | Pages | CPU s (median) | Wall s | CPU ms/page | TOC numbers | Running header | "
             "Hyphenates sv | Tagged | /Lang | PDF/UA-1 id | Fonts embedded | Bookmarks | KiB |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    yes = {True: "yes", False: "no"}
    for r in rows:
        lines.append(f"| {r['engine']} | {r['report']} | {r['pages']} | {r['cpu_s']:.2f} | {r['wall_s']:.2f} | "
                     f"{r['cpu_per_page_ms']:.0f} | {r['toc_page_numbers']} | {r['running_header_pages']:.0%} | "
                     f"{yes[hyphenation[r['engine']]]} | {yes[r['tagged']]} | {r['lang']} | {yes[r['pdfua_1']]} | "
                     f"{yes[r['fonts_embedded']]} ({r['fonts']}) | {r['bookmarks']} | {r['bytes'] // 1024} |")
    return "\n".join(lines)


def weight_table(weights: dict[str, dict[str, object]]) -> str:
    lines = ["| Engine | Python distributions | Python MiB | Debian packages | Debian MiB (+ their other dependencies) |",
             "|---|---|---|---|---|"]
    for name, w in weights.items():
        lines.append(f"| {name} | {', '.join(w['python_distributions'])} | {w['python_mib']:.1f} | "
                     f"{', '.join(w['debian_packages']) or '–'} | {w['debian_mib']:.1f} (+{w['debian_depends']}) |")
    return "\n".join(lines)


def write_pages(pdfs_dir: Path, subjects: list[Subject]) -> None:
    """Typst's pages as PNG (it rasterises its own documents; no PDF rasteriser is installed here)."""
    from tertial.render.pdf import page_images, typst_inputs

    pdfs_dir.mkdir(parents=True, exist_ok=True)
    for s in subjects:
        pages = page_images(typst_inputs(s.report, s.charts), ppi=72)
        for n, png in enumerate(pages, start=1):
            (pdfs_dir / f"{s.name}-typst-{n:02d}.png").write_bytes(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the demo report only, one round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--report", type=Path, action="append", default=[], help="an assembled report.json (repeatable)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--keep", type=Path, help="write each engine's PDFs here")
    parser.add_argument("--pages", type=Path, help="write Typst's pages as PNG here")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as scratch:
        files = report_files(args.quick, Path(scratch)) if not args.report else {}
        subjects = [subject(name, path) for name, path in files.items()] + [subject("", path) for path in args.report]
    load_before = os.getloadavg()
    engines, startup = start_engines(tuple(args.engines.split(",")))
    hyphenation = {name: hyphenates_swedish(engine) for name, engine in engines.items()}
    samples, pdfs = measure(engines, subjects, rounds)
    load_after = os.getloadavg()
    for engine in engines.values():
        engine.close()
    rows = summary(samples, pdfs, subjects)
    weights = {name: weight(name) for name in engines}
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for (name, report_name), pdf in pdfs.items():
            (args.keep / f"{report_name}-{name}.pdf").write_bytes(pdf)
    if args.pages:
        write_pages(args.pages, subjects)
    print(f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}")
    print(f"Start-up, wall s: {', '.join(f'{n} {s:.2f}' for n, s in startup.items())}")
    print(f"Median of {rounds} interleaved rounds:\n")
    print(table(rows, hyphenation))
    print()
    print(weight_table(weights))
    print("BENCH " + json.dumps({"quick": args.quick, "rounds": rounds, "load_before": load_before, "load_after": load_after,
                                 "startup_s": startup, "hyphenates_swedish": hyphenation, "results": rows,
                                 "weight": weights}, ensure_ascii=False))


if __name__ == "__main__":
    main()
