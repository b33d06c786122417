"""Does credit land on the statement that caused a defect? Inject known defects into real programs and pages.

    python benchmarks/attribution_injection.py                      # all three domains
    python benchmarks/attribution_injection.py --domains web --web_pages benchmarks/defect_labels/web

Each injection adds one statement (or one HTML line, or a CSS rule) that causes a known kind of defect to an
otherwise unchanged program: a chart label cut by the figure edge, a huge title, a faint title, a legend or a note
over the data, two footnotes on top of each other, tick labels rotated back to overlap; a web banner off the page,
faint text, two absolutely positioned texts on top of each other, a word overflowing a bordered box, a CSS rule
that clips its text; a slide text box off the slide, faint text on the slide, two overlapping text boxes, a
paragraph overflowing its box. Programs: the embedded chart, web and slide reference programs, and real web pages
(`--web_pages`: a directory of `.html` files, e.g. the real pages of the labelled defect set).

Both the original and the injected program are rendered by the real renderers. An injection is *detected* when the
injected render has more defects of an expected kind than the original; it is *attributed* when one of those
defects names an element whose source lines (widened to whole statements, as credit does) include an injected
line; *credited* when `credit.line_credit` (the IoU credit the trainer uses) gives an injected line credit > 0.
How much credit, for each `credit_box` (`element`, the default, and `statement`, the union box of the first
version): `responsible_credit`, the injected lines' credit (the token weight is 1 + alpha times it);
`credit_precision`, the injected lines' share of the credit summed over all lines; `credit_top`, whether an injected
line holds the highest credit of the program.
Writes benchmarks/results/attribution_injection.json (per domain and per injection: counts, shares, credit means).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from trl_visual_sdpo.credit import CREDIT_BOXES, line_credit, statement_spans
from trl_visual_sdpo.render.base import RenderResult


RESULTS = Path(__file__).parent / "results"


@dataclass
class Injection:
    """One way to break a program: the lines to add, which of them is responsible, and what it must cause."""

    name: str
    domain: str
    lines: list[str]
    kinds: set[str]
    responsible: list[int]
    """Indexes into `lines` of the statements that cause the defect (a CSS rule, not the tag using it)."""


CHART = [
    Injection("note_cut_by_figure_edge", "chart",
              ['plt.gcf().text(0.97, 0.5, "Injected note cut by the figure edge", fontsize=14)'],
              {"clipped_text"}, [0]),
    Injection("huge_title", "chart",
              ['plt.gca().set_title("An injected title far too long and far too large for this figure", '
               'fontsize=40)'], {"clipped_text"}, [0]),
    Injection("faint_title", "chart", ['plt.gca().set_title("Injected faint title", color="#e8e8e8")'],
              {"low_contrast"}, [0]),
    Injection("legend_over_data", "chart",
              ['plt.gca().legend(["Injected series legend"], loc="center", fontsize=22, framealpha=1)'],
              {"data_overlap"}, [0]),
    Injection("note_over_data", "chart",
              ['plt.gca().text(0.5, 0.5, "INJECTED NOTE OVER THE DATA", transform=plt.gca().transAxes, '
               'ha="center", va="center", fontsize=20)'], {"data_overlap", "text_overlap"}, [0]),
    Injection("footnotes_on_top", "chart",
              ['plt.gcf().text(0.02, 0.015, "Injected first footnote text", fontsize=12)',
               'plt.gcf().text(0.06, 0.02, "Injected second footnote", fontsize=12)'], {"text_overlap"}, [0, 1]),
    Injection("ticks_rotated_back", "chart",
              ['plt.setp(plt.gca().get_xticklabels(), rotation=0, ha="center", fontsize=14)'],
              {"text_overlap", "clipped_text"}, [0]),
]

WEB = [
    Injection("banner_off_page", "web",
              ['<div style="position:absolute;left:1100px;top:60px;width:400px;padding:10px;background:#ffcc00;'
               'color:#000">Injected banner that runs off the page</div>'], {"out_of_canvas", "clipped_text"}, [0]),
    Injection("faint_text", "web",
              ['<p style="color:#d9d9d9;background:#ffffff;font-size:16px;margin:8px">Injected faint paragraph '
               'text</p>'], {"low_contrast"}, [0]),
    Injection("texts_on_top", "web",
              ['<div style="position:absolute;left:40px;top:300px;font-size:20px;color:#000">Injected words drawn '
               'here</div><div style="position:absolute;left:60px;top:306px;font-size:20px;color:#000">Injected '
               'words on top</div>'], {"text_overlap"}, [0]),
    Injection("word_overflows_box", "web",
              ['<div style="width:90px;border:1px solid #000;background:#fff;color:#000;margin:8px">'
               'Pneumonoultramicroscopicsilicovolcanoconiosis</div>'], {"overflow"}, [0]),
    Injection("css_rule_clips_text", "web",
              ["<style>.tvs-injected { width: 100px; overflow: hidden; white-space: nowrap; border: 1px solid #000; "
               "background: #fff; color: #000; margin: 8px }</style>",
               '<div class="tvs-injected">Injected sentence far too long for its narrow box</div>'],
              {"clipped_text"}, [0]),
]

SLIDE = [
    Injection("box_off_slide", "slide",
              ['_box = prs.slides[0].shapes.add_textbox(Inches(7.5), Inches(3.0), Inches(4), Inches(1)); '
               '_box.text_frame.text = "Injected text box off the slide"'], {"clipped_text", "out_of_canvas"}, [0]),
    Injection("faint_text", "slide",
              ['from pptx.dml.color import RGBColor as _RGB; from pptx.util import Pt as _Pt',
               '_faint = prs.slides[0].shapes.add_textbox(Inches(0.5), Inches(6.6), Inches(6), Inches(0.6))'
               '.text_frame; _faint.text = "Injected faint footnote"; '
               '_faint.paragraphs[0].runs[0].font.color.rgb = _RGB(0xEE, 0xEE, 0xEE); '
               '_faint.paragraphs[0].runs[0].font.size = _Pt(16)'], {"low_contrast"}, [1]),
    Injection("boxes_on_top", "slide",
              ['prs.slides[0].shapes.add_textbox(Inches(1), Inches(5.6), Inches(6), Inches(0.8)).text_frame.text = '
               '"Injected first heading text"',
               'prs.slides[0].shapes.add_textbox(Inches(1.3), Inches(5.75), Inches(6), Inches(0.8)).text_frame.text '
               '= "Injected second heading"'], {"text_overlap"}, [0, 1]),
    Injection("paragraph_overflows_box", "slide",
              ['_small = prs.slides[0].shapes.add_textbox(Inches(6.2), Inches(6.3), Inches(3.0), Inches(0.4))'
               '.text_frame; _small.word_wrap = True; _small.text = "Injected paragraph far too long for the small '
               'box it was given, so it runs out of its box"'], {"overflow", "clipped_text", "text_overlap"}, [0]),
]


def inject(code: str, injection: Injection) -> tuple[str, list[int]] | None:
    """`code` with the injection's lines added where the domain's program still draws (before `prs.save(` or
    `</body>`, at the end of a chart program), and the 1-based numbers of its responsible lines."""
    lines = code.split("\n")
    if injection.domain == "chart":
        at = len(lines)
        for i, line in enumerate(lines):
            if re.match(r"\s*(plt|fig)\.(savefig|show)\(", line):
                at = i
                break
    elif injection.domain == "slide":
        at = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].lstrip().startswith("prs.save(")), None)
        if at is None or lines[at] != lines[at].lstrip():  # a save inside a function or block: leave it alone
            return None
    else:
        match = [i for i, line in enumerate(lines) if "</body>" in line.lower()]
        if not match:
            at = len(lines)
        else:
            at = match[-1]
            head, tail = re.split(r"(?i)</body>", lines[at], maxsplit=1)
            if head.strip():  # `</body>` shares its line with content: give it a line of its own
                lines[at : at + 1] = [head, "</body>" + tail]
                at += 1
    new = lines[:at] + injection.lines + lines[at:]
    return "\n".join(new), [at + 1 + i for i in injection.responsible]


def credited_lines(result: RenderResult, defect) -> set[int]:
    """Source lines of a defect's elements, widened to whole statements as credit does."""
    spans = statement_spans(result.code)
    by_id = {e.id: e for e in result.elements}
    lines: set[int] = set()
    for element_id in defect.element_ids:
        for line in by_id[element_id].lines if element_id in by_id else ():
            first, last = spans.get(line, (line, line))
            lines.update(range(first, last + 1))
    return lines


def evaluate(base: RenderResult, injected: RenderResult, injection: Injection, responsible: list[int]) -> dict:
    if not (base.ok and injected.ok):
        return {"rendered": False, "error": injected.error or base.error}
    before = Counter(d.kind for d in base.defects)
    after = Counter(d.kind for d in injected.defects)
    grown = {k for k in injection.kinds if after[k] > before[k]}
    candidates = [d for d in injected.defects if d.kind in grown]
    attributed = any(set(responsible) & credited_lines(injected, d) for d in candidates)
    credit = {box: line_credit(injected, box) for box in CREDIT_BOXES}
    return {"rendered": True, "detected": bool(grown), "attributed": attributed,
            "credited": any(credit["element"].get(line, 0.0) > 0 for line in responsible), "kinds": sorted(grown),
            "credit": {box: credit_amount(by_line, responsible) for box, by_line in credit.items()}}


def credit_amount(by_line: dict[int, float], responsible: list[int]) -> dict:
    """The responsible lines' credit, their share of the program's credit, and whether they hold its maximum."""
    mine = max((by_line.get(line, 0.0) for line in responsible), default=0.0)
    total = sum(by_line.values())
    return {"responsible_credit": mine,
            "credit_precision": sum(by_line.get(line, 0.0) for line in set(responsible)) / total if total else 0.0,
            "credit_top": bool(total) and mine == max(by_line.values())}


def _renderer(domain: str):
    if domain == "chart":
        from trl_visual_sdpo.render.chart import ChartRenderer

        return ChartRenderer()
    if domain == "web":
        from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer

        return WebRenderer(WebRenderConfig(timeout_s=60.0))
    from trl_visual_sdpo.render.slide import SlideRenderer
    from trl_visual_sdpo.sandbox import SandboxConfig

    return SlideRenderer(SandboxConfig(timeout_s=60.0))


def programs(domain: str, n: int, web_pages: Path | None) -> list[tuple[str, str]]:
    """(name, program) pairs: embedded reference programs, plus real pages for the web."""
    from trl_visual_sdpo.data import chart_tasks
    from trl_visual_sdpo.data.slide import slide_tasks
    from trl_visual_sdpo.data.web import web_tasks

    tasks = {"chart": chart_tasks, "web": web_tasks, "slide": slide_tasks}[domain]()
    found = []
    if domain == "web" and web_pages is not None:  # the real pages of the labelled set (curated: true)
        for page in sorted(web_pages.glob("*.html")):
            label = page.with_suffix(".json")
            if label.exists() and json.loads(label.read_text()).get("curated") and len(found) < n // 2:
                found.append((page.stem, page.read_text(errors="replace")))
    step = max(1, len(tasks) // max(1, n - len(found)))
    found += [(t["task_id"], t["reference_code"]) for t in tasks[::step]][: n - len(found)]
    return found


def run_domain(domain: str, injections: list[Injection], n: int, web_pages: Path | None) -> dict:
    renderer = _renderer(domain)
    try:
        base_programs = programs(domain, n, web_pages)
        cases = []
        for name, code in base_programs:
            for injection in injections:
                made = inject(code, injection)
                if made is not None:
                    cases.append((name, code, injection, *made))
        bases = dict(zip([name for name, _ in base_programs],
                         renderer.render_batch([code for _, code in base_programs])))
        injected = renderer.render_batch([case[3] for case in cases])
    finally:
        renderer.close()
    rows = []
    for (name, _, injection, _, responsible), result in zip(cases, injected):
        rows.append({"program": name, "injection": injection.name, "responsible_lines": responsible,
                     **evaluate(bases[name], result, injection, responsible)})
    return {"programs": len(base_programs), "cases": rows, **_summary(rows),
            "by_injection": {i.name: _summary([r for r in rows if r["injection"] == i.name]) for i in injections}}


def _summary(rows: list[dict]) -> dict:
    rendered = [r for r in rows if r["rendered"]]
    detected = [r for r in rendered if r["detected"]]
    return {"injected": len(rows), "rendered": len(rendered), "detected": len(detected),
            "attributed": sum(r["attributed"] for r in detected), "credited": sum(r["credited"] for r in detected),
            "attribution_share": sum(r["attributed"] for r in detected) / max(len(detected), 1),
            "credit_share": sum(r["credited"] for r in detected) / max(len(detected), 1),
            "credit": {box: {key: sum(float(r["credit"][box][key]) for r in detected) / max(len(detected), 1)
                             for key in ("responsible_credit", "credit_precision", "credit_top")}
                       for box in CREDIT_BOXES}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", nargs="+", default=["chart", "web", "slide"])
    parser.add_argument("--programs", type=int, default=None,
                        help="Programs per domain (default: chart 32, web 20, slide 24).")
    parser.add_argument("--web_pages", type=Path, default=Path(__file__).parent / "defect_labels" / "web",
                        help="Directory of real .html pages to inject into (half of the web programs).")
    parser.add_argument("--out", type=Path, default=RESULTS / "attribution_injection.json")
    args = parser.parse_args(argv)
    sets: dict[str, list[Injection]] = {"chart": CHART, "web": WEB, "slide": SLIDE}
    defaults = {"chart": 32, "web": 20, "slide": 24}
    command = ["python benchmarks/attribution_injection.py", *(sys.argv[1:] if argv is None else argv)]
    report: dict = {"command": " ".join(command), "domains": {}}
    for domain in args.domains:
        pages = args.web_pages if args.web_pages and args.web_pages.is_dir() else None
        report["domains"][domain] = run_domain(domain, sets[domain], args.programs or defaults[domain], pages)
        print(domain, json.dumps({k: v for k, v in report["domains"][domain].items()
                                  if k not in ("cases", "by_injection")}), flush=True)
    every = [r for d in report["domains"].values() for r in d["cases"]]
    report["overall"] = _summary(every)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print("overall", json.dumps(report["overall"]))
    return report


if __name__ == "__main__":
    main()
