"""Agreement of our Design2Code metrics with Design2Code's official evaluator, per axis.

    python benchmarks/web_metric_agreement.py                 # score the fixture's pairs, write the report
    python benchmarks/web_metric_agreement.py --export-pairs pairs.json   # the pairs, for the official run

The official numbers are a fixture (`tests/fixtures/design2code_official.json`): Design2Code's own
`Design2Code/metrics/visual_score.py` (`visual_eval_v3_multi`, github.com/NoviScl/Design2Code) run on
(prediction, reference) page pairs. References are real and curated pages: the Design2Code-style real pages of the
labelled web set (`benchmarks/defect_labels/web/d2c_*.html`, third-party, fetched by
`benchmarks/defect_labels/get_real_pages.py`), our own labelled cases (`case_*.html`) and reference pages of the
embedded web tasks. Each prediction is the reference with a realistic edit, chosen and seeded by the pair's id
(`make_prediction`): words of the text changed, blocks removed, neighbouring blocks reordered, text colours changed,
the layout shifted, several of these at once, or nothing. The fixture keeps both pages inline for our own pages; for
the third-party pages it keeps the reference's file name and SHA-256 and rebuilds the prediction by the same edit.

How the official numbers were computed (their code is not part of this repository;
`benchmarks/design2code_official_run.py` reproduces the run from a checkout of theirs): a copy of their
`Design2Code/metrics/` and `Design2Code/data_utils/dedup_post_gen.py` in a throwaway virtual environment
(beautifulsoup4, opencv-python-headless, colormath, playwright, scipy, scikit-learn), with three changes that do not
touch the metric: `screenshot_single.py` launches the system Chromium (`executable_path="/usr/bin/chromium"`;
without Playwright's own browser their script silently saves a blank white image, and every page then has no
blocks); `visual_score.py` at their HEAD does not parse (the `if len(predict_blocks) == 0:` branch is indented one
column off its `elif`), so that branch is re-indented; and CLIP ViT-B/32 (`clip.load`, downloaded weights) is
stubbed, because no weights can be downloaded here: the CLIP axis is absent from the fixture and from this report.

Here both pages are rendered by `WebRenderer` with the official screenshot's viewport (Playwright's default
1280x720, full page) and scored by `trl_visual_sdpo.metrics.design2code`; per axis the Pearson correlation and the
mean absolute difference to the official numbers go into `benchmarks/results/metric_agreement.json` under "web"
(other domains' keys in that file are kept).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from itertools import pairwise
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from chart_metric_agreement import (  # shared with the chart report
    TARGET_MAD,
    TARGET_PEARSON,
    agreement,
    render_pairs,
)


ROOT = Path(__file__).resolve().parent
FIXTURE = ROOT.parent / "tests" / "fixtures" / "design2code_official.json"
RESULTS = ROOT / "results" / "metric_agreement.json"
PAGES = ROOT / "defect_labels" / "web"
AXES = ("block_match", "text", "position", "color")
VIEWPORT = (1280, 720)
"""The official screenshots' viewport (Playwright's default page, `full_page=True`)."""
EDITS = ("text", "remove", "reorder", "color", "layout", "mixed", "identical")
REAL_PAGES = 12
"""The smallest real pages are used: the official block finder compares screenshots pixel by pixel in Python."""
TASKS_PER_TYPE = 5
TRUNCATION = ("Design2Code's pre-processing cuts a prediction where its tag-stripped text repeats "
              "(check_repetitive_content, meant for generations that loop); on real pages with long <style> blocks "
              "it cuts inside the CSS, the page loses its body and the official run scores even an unchanged copy 0 "
              "on every axis. We score the page as given, on purpose. `axes_without_truncated_predictions` gives the "
              "agreement on the pairs the official run did not cut.")
REASONS = dict.fromkeys(AXES, TRUNCATION)
REASONS["block_match"] = (TRUNCATION + " On the other pairs block-match still differs a little: their block's extent "
                          "is every pixel drawn in the element's text colour (glyphs, and borders or underlines in "
                          "currentColor: a bordered table cell is the whole cell), ours the union of its text's line "
                          "boxes, so pages whose texts are removed or rewrapped weigh their areas differently.")

_WORDS = ("service", "quality", "modern", "design", "simple", "global", "update", "account", "offers", "green",
          "project", "studio", "fast", "welcome", "support", "journey", "details", "market", "today", "value")
_BLOCK = re.compile(r"<(p|li|h[1-6]|td|button)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_RAW = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<head\b.*?</head>|<[^>]*>)", re.DOTALL | re.IGNORECASE)


def _with_style(html: str, css: str) -> str:
    """The page with one more style sheet, after the page's own (so it wins ties)."""
    tag = f"<style>{css}</style>"
    for closing in ("</head>", "</HEAD>"):
        if closing in html:
            return html.replace(closing, tag + closing, 1)
    return tag + html


def _edit_text(html: str, rng: random.Random, share: float = 0.35) -> str:
    """Change about a third of the words in about half of the visible text runs (outside scripts, styles, head)."""
    parts = _RAW.split(html)
    for k in range(0, len(parts), 2):  # even parts are text between tags
        words = parts[k].split(" ")
        if sum(1 for w in words if w.strip()) < 2 or rng.random() > 0.5:
            continue
        parts[k] = " ".join(rng.choice(_WORDS) if w.strip().isalpha() and rng.random() < share else w
                            for w in words)
    return "".join(parts)


def _remove_blocks(html: str, rng: random.Random) -> str:
    """Drop about a third of the paragraphs, list items, headings, cells and buttons (at least one)."""
    blocks = list(_BLOCK.finditer(html))
    if not blocks:
        return html
    chosen = {m.span() for m in blocks if rng.random() < 0.3} or {rng.choice(blocks).span()}
    return "".join(html[a:b] for a, b in _gaps(len(html), sorted(chosen)))


def _gaps(length: int, spans: list[tuple[int, int]]):
    start = 0
    for a, b in spans:
        yield start, a
        start = b
    yield start, length


def _reorder_blocks(html: str, rng: random.Random) -> str:
    """Swap neighbouring blocks of one kind that only whitespace separates (list items, paragraphs, cells), or,
    on a page without such siblings, consecutive blocks of one kind (two paragraphs of different sections)."""
    blocks = list(_BLOCK.finditer(html))
    by_kind: dict[str, list[re.Match]] = {}
    for block in blocks:
        by_kind.setdefault(block.group(1).lower(), []).append(block)
    same = sorted(((a, b) for kind in by_kind.values() for a, b in pairwise(kind) if a.group(0) != b.group(0)),
                  key=lambda pair: pair[0].start())
    swaps = [(a, b) for a, b in same if not html[a.end() : b.start()].strip()] or same
    chosen = [s for s in swaps if rng.random() < 0.5] or swaps[:1]
    out, start, last_end = [], 0, -1
    for a, b in chosen:
        if a.start() < last_end:  # overlapping swaps: the first one wins
            continue
        out += [html[start : a.start()], b.group(0), html[a.end() : b.start()], a.group(0)]
        start = last_end = b.end()
    return "".join(out) + html[start:]


def _recolor(html: str, rng: random.Random) -> str:
    """Text colours of headings, paragraphs or links changed (some slightly, some to another hue)."""
    selectors = rng.sample(["h1, h2, h3", "p", "a", "li", "td, th", "span"], k=3)
    rules = [f"{s} {{ color: #{rng.randrange(0x1000000):06x} !important; }}" for s in selectors]
    return _with_style(html, " ".join(rules))


def _shift_layout(html: str, rng: random.Random) -> str:
    """The layout moved: the page indented, pushed down, narrowed and centred, or its text enlarged."""
    css = rng.choice([
        f"body {{ padding-left: {rng.randrange(60, 300)}px !important; }}",
        f"body {{ padding-top: {rng.randrange(80, 400)}px !important; }}",
        f"body {{ max-width: {rng.randrange(600, 1000)}px; margin: 0 auto !important; }}",
        f"html {{ font-size: {rng.randrange(110, 140)}% !important; }} body {{ text-align: center; }}",
    ])
    return _with_style(html, css)


def make_prediction(reference: str, edit: str, seed: str) -> str:
    """A deterministic edited copy of `reference` (`edit` one of `EDITS`, `seed` the pair's id)."""
    rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16))
    if edit == "text":
        return _edit_text(reference, rng)
    if edit == "remove":
        return _remove_blocks(reference, rng)
    if edit == "reorder":
        return _reorder_blocks(reference, rng)
    if edit == "color":
        return _recolor(reference, rng)
    if edit == "layout":
        return _shift_layout(reference, rng)
    if edit == "mixed":
        return _shift_layout(_recolor(_edit_text(_remove_blocks(reference, rng), rng, share=0.2), rng), rng)
    if edit == "identical":
        return reference
    raise ValueError(f"Unknown edit {edit!r}; use one of {EDITS}.")


def build_pairs() -> list[dict]:
    """Every (prediction, reference) pair with its id, source and edit; the real pages only when present."""
    from trl_visual_sdpo.data.web import web_tasks

    references: list[tuple[str, str, str | None]] = []  # (id, html, third-party file or None)
    for path in sorted(PAGES.glob("case_*.html")):
        references.append((path.stem, path.read_text(), None))
    counts: dict[str, int] = {}
    for task in web_tasks():
        if task["split"] == "train" and counts.get(task["page_type"], 0) < TASKS_PER_TYPE:
            counts[task["page_type"]] = counts.get(task["page_type"], 0) + 1
            references.append((f"task_{task['task_id']}", task["reference_code"], None))
    real = sorted(PAGES.glob("d2c_*.html"), key=lambda p: p.stat().st_size)[:REAL_PAGES]
    for path in real:
        references.append((path.stem, path.read_text(), path.name))
    pairs = []
    for k, (name, html, real_file) in enumerate(references):
        edit = EDITS[k % len(EDITS)]
        pair_id = f"{name}:{edit}"
        pair = {"id": pair_id, "edit": edit, "prediction": make_prediction(html, edit, pair_id), "reference": html}
        if real_file:
            pair["reference_file"] = real_file
            pair["reference_sha256"] = hashlib.sha256(html.encode()).hexdigest()
        pairs.append(pair)
    return pairs


def fixture_pairs(fixture: dict) -> list[dict]:
    """The fixture's pairs with both pages: inline ones as stored, third-party ones rebuilt from the local copy
    (skipped, with a note on stderr, when the page is not here)."""
    pairs = []
    for pair in fixture["pairs"]:
        if "reference" in pair:
            pairs.append(pair)
            continue
        path = PAGES / pair["reference_file"]
        if not path.exists():
            print(f"skipping {pair['id']}: {path} is missing (run benchmarks/defect_labels/get_real_pages.py)",
                  file=sys.stderr)
            continue
        html = path.read_text()
        if hashlib.sha256(html.encode()).hexdigest() != pair["reference_sha256"]:
            raise SystemExit(f"{path} is not the page the official numbers were computed on (SHA-256 differs).")
        pairs.append({**pair, "reference": html, "prediction": make_prediction(html, pair["edit"], pair["id"])})
    return pairs


def score_pairs(pairs: list[dict]) -> list[dict]:
    from trl_visual_sdpo.metrics.design2code import design2code_scores
    from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer

    renders = render_pairs(WebRenderer(WebRenderConfig(viewport_width=VIEWPORT[0], viewport_height=VIEWPORT[1],
                                                       max_page_height=16000, timeout_s=90)), pairs)
    scores = []
    for predicted, reference in renders:
        ours = design2code_scores(predicted, reference, clip_model="")
        scores.append({axis: round(ours[axis], 4) for axis in AXES})
    return scores


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--export-pairs", type=Path, help="Write the pairs (both pages inline) here and stop.")
    args = parser.parse_args(argv)
    if args.export_pairs:
        pairs = build_pairs()
        args.export_pairs.write_text(json.dumps(pairs, indent=1))
        print(f"wrote {len(pairs)} pairs to {args.export_pairs}")
        return
    fixture = json.loads(FIXTURE.read_text())
    pairs = fixture_pairs(fixture)
    ours = score_pairs(pairs)
    official = [p["official"] for p in pairs]
    summary = agreement(ours, official, AXES)
    kept = [i for i, p in enumerate(pairs) if not p["official_truncated"]]
    uncut = agreement([ours[i] for i in kept], [official[i] for i in kept], AXES)
    for name, table in (("all pairs", summary), (f"{len(kept)} pairs not cut by the official run", uncut)):
        print(name)
        for axis, v in table.items():
            print(f"  {axis:11s} pearson {v['pearson']}  mad {v['mad']}  target met: {v['meets_target']}")
    report = json.loads(args.output.read_text()) if args.output.exists() else {}
    report["web"] = {
        "benchmark": "Design2Code visual scores (block-match, text, position, colour; CLIP absent)",
        "official": fixture["evaluator"], "official_patches": fixture["patches"], "pairs": len(pairs),
        "axes": summary, "pairs_not_truncated": len(kept), "axes_without_truncated_predictions": uncut,
        "clip": fixture["clip"],
        "reasons": REASONS,
        "targets": {"pearson": TARGET_PEARSON, "mad": TARGET_MAD},
        "notes": fixture.get("notes", ""),
        "per_pair": [{"id": p["id"], "official": p["official"], "official_truncated": p["official_truncated"],
                      "ours": o} for p, o in zip(pairs, ours)],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
