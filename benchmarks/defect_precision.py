"""Defect precision and recall on labelled real programs and pages, per defect kind and per domain.

    python benchmarks/defect_precision.py                      # every domain with labels
    python benchmarks/defect_precision.py --domains chart      # one domain
    python benchmarks/defect_precision.py --show bar_11        # one case: predicted vs labelled, per kind

Labels live in `benchmarks/defect_labels/<domain>/`: per case the program or page (`<case>.py` for charts and
slides, `<case>.html` for web pages) and `<case>.json`:

    {"source": "where it came from", "curated": true | false, "defects": {"<kind>": <count>}, "notes": "..."}

`curated` marks a publication-quality reference (a ChartMimic reference chart, a cleaned real page) that should
show no defects; `defects` counts what a person sees on the render, in these units (the detector's predictions
are counted in the same ones):
- `data_overlap`: per text or legend that covers data (however many series it covers);
- `text_overlap`: per pair of texts; `misaligned`: per element out of line (one panel off a row of six is one);
- `clipped_text`, `out_of_canvas`, `low_contrast`, `small_text`, `overflow`: per element;
- `blank`: 1 for a render with nothing drawn.

Per case and kind: TP = min(predicted, labelled), FP = max(0, predicted - labelled), FN = max(0, labelled -
predicted); precision = TP / (TP + FP), recall = TP / (TP + FN), summed over cases. Also: the share of curated
cases with any predicted defect, and predicted vs labelled defects per curated case. A case that fails to render
is reported and counted as predicting nothing. Writes `benchmarks/results/defect_precision.json`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from trl_visual_sdpo.render.base import DATA_OVERLAP, MISALIGNED, RenderResult


ROOT = Path(__file__).resolve().parent
LABELS = ROOT / "defect_labels"
RESULTS = ROOT / "results" / "defect_precision.json"
SOURCES = {"chart": ".py", "web": ".html", "slide": ".py"}
TARGET_PRECISION, TARGET_RECALL, TARGET_CURATED_FLAGGED = 0.9, 0.8, 0.1


def out_of_line(pairs: list[tuple[str, ...]]) -> int:
    """How many elements must move to fix misaligned pairs (a greedy vertex cover): one panel off the line of five
    others is five pairs but one defect."""
    pairs, moved = [set(p) for p in pairs if p], 0
    while pairs:
        counts = Counter(e for p in pairs for e in p)
        worst = counts.most_common(1)[0][0]
        pairs = [p for p in pairs if worst not in p]
        moved += 1
    return moved


def predicted_counts(result: RenderResult) -> Counter:
    """Predicted defects per kind, in the labels' units: data overlaps per covering element, misalignments per
    element out of line, the rest per defect."""
    counts: Counter = Counter()
    covers = set()
    for defect in result.defects:
        if defect.kind == MISALIGNED:
            continue
        if defect.kind == DATA_OVERLAP and defect.element_ids:
            if defect.element_ids[0] in covers:
                continue
            covers.add(defect.element_ids[0])
        counts[defect.kind] += 1
    misaligned = out_of_line([tuple(d.element_ids) for d in result.defects if d.kind == MISALIGNED])
    if misaligned:
        counts[MISALIGNED] = misaligned
    return counts


def case_scores(predicted: Counter, labelled: Counter) -> dict[str, dict[str, int]]:
    """TP / FP / FN per kind for one case."""
    return {kind: {"tp": min(predicted[kind], labelled[kind]), "fp": max(0, predicted[kind] - labelled[kind]),
                   "fn": max(0, labelled[kind] - predicted[kind])}
            for kind in sorted(set(predicted) | set(labelled))}


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def summarise(cases: list[dict]) -> dict:
    """Per kind and overall precision/recall over `cases` (each with `scores`), and curated-case statistics."""
    totals: dict[str, Counter] = defaultdict(Counter)
    for case in cases:
        for kind, score in case["scores"].items():
            totals[kind].update(score)
    per_kind = {kind: {**dict(t), "precision": ratio(t["tp"], t["tp"] + t["fp"]),
                       "recall": ratio(t["tp"], t["tp"] + t["fn"])} for kind, t in sorted(totals.items())}
    all_kinds = sum(totals.values(), Counter())
    curated = [c for c in cases if c["curated"]]
    return {
        "cases": len(cases), "curated_cases": len(curated), "render_failures": sum(not c["ok"] for c in cases),
        "precision": ratio(all_kinds["tp"], all_kinds["tp"] + all_kinds["fp"]),
        "recall": ratio(all_kinds["tp"], all_kinds["tp"] + all_kinds["fn"]),
        "per_kind": per_kind,
        "curated_flagged_share": ratio(sum(bool(sum(c["predicted"].values())) for c in curated), len(curated)),
        "curated_labelled_share": ratio(sum(bool(sum(c["labelled"].values())) for c in curated), len(curated)),
        "curated_predicted_per_case": ratio(sum(sum(c["predicted"].values()) for c in curated), len(curated)),
        "curated_labelled_per_case": ratio(sum(sum(c["labelled"].values()) for c in curated), len(curated)),
    }


def load_cases(domain: str) -> list[dict]:
    folder = LABELS / domain
    cases = []
    for label_file in sorted(folder.glob("*.json")):
        source = label_file.with_suffix(SOURCES[domain])
        if not source.exists():
            raise FileNotFoundError(f"{label_file} has no {source.name} beside it: add the program or page, or "
                                    "remove the label.")
        label = json.loads(label_file.read_text())
        missing = {"source", "curated", "defects"} - set(label)
        if missing:
            raise ValueError(f"{label_file} lacks {sorted(missing)}: see this script's docstring for the format.")
        cases.append({"case": label_file.stem, "code": source.read_text(), **label})
    return cases


def make_renderer(domain: str):
    if domain == "chart":
        from trl_visual_sdpo.render.chart import ChartRenderer

        return ChartRenderer()
    if domain == "web":
        from trl_visual_sdpo.render.web import WebRenderer

        return WebRenderer()
    if domain == "slide":
        from trl_visual_sdpo.render.slide import SlideRenderer

        return SlideRenderer()
    raise ValueError(f"Unknown domain {domain!r}; choose from {sorted(SOURCES)}.")


def evaluate(domain: str, cases: list[dict], batch: int = 8) -> list[dict]:
    renderer = make_renderer(domain)
    out = []
    try:
        for start in range(0, len(cases), batch):
            chunk = cases[start:start + batch]
            for case, result in zip(chunk, renderer.render_batch([c["code"] for c in chunk])):
                predicted = predicted_counts(result) if result.ok else Counter()
                labelled = Counter({k: int(v) for k, v in case["defects"].items() if int(v) > 0})
                out.append({"case": case["case"], "source": case["source"], "curated": bool(case["curated"]),
                            "ok": result.ok, "error": None if result.ok else (result.error or "")[-300:],
                            "predicted": dict(predicted), "labelled": dict(labelled),
                            "scores": case_scores(predicted, labelled),
                            "messages": [f"[{d.kind}] {d.message}" for d in result.defects][:40]})
    finally:
        renderer.close()
    return out


def _targets(summary: dict) -> dict:
    """Which targets a domain's numbers meet (kinds with no labelled and no predicted defect are not judged)."""
    kinds = {kind: {"precision": v["precision"] is None or v["precision"] >= TARGET_PRECISION,
                    "recall": v["recall"] is None or v["recall"] >= TARGET_RECALL}
             for kind, v in summary["per_kind"].items()}
    flagged = summary["curated_flagged_share"]
    return {"per_kind": kinds, "curated_flagged": flagged is None or flagged <= TARGET_CURATED_FLAGGED}


def print_summary(domain: str, summary: dict) -> None:
    print(f"\n{domain}: {summary['cases']} cases ({summary['curated_cases']} curated), precision "
          f"{summary['precision']}, recall {summary['recall']}, curated flagged {summary['curated_flagged_share']} "
          f"(labelled {summary['curated_labelled_share']}), render failures {summary['render_failures']}")
    for kind, v in summary["per_kind"].items():
        print(f"  {kind:14s} tp {v.get('tp', 0):4d} fp {v.get('fp', 0):4d} fn {v.get('fn', 0):4d}  "
              f"precision {v['precision']}  recall {v['recall']}")


def show_case(domains: list[str], name: str) -> None:
    """Print one case's predictions and labels; `name` is the case (`chartmimic_bar_11`) or its end (`bar_11`)."""
    for domain in domains:
        cases = [c for c in load_cases(domain) if c["case"] == name or c["case"].endswith(f"_{name}")]
        for result in evaluate(domain, cases) if cases else []:
            print(json.dumps(result, indent=1))
        if cases:
            return
    raise SystemExit(f"No labelled case named {name!r} in {domains}: see the file names in {LABELS}/<domain>/.")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domains", nargs="*", default=None, help="default: every domain with labels")
    parser.add_argument("--show", default=None, help="print one case's predictions and labels")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    domains = args.domains or [d for d in SOURCES if (LABELS / d).is_dir() and any((LABELS / d).glob("*.json"))]
    report = json.loads(args.output.read_text()) if args.output.exists() and args.domains else {}
    report.setdefault("domains", {})
    if args.show:
        show_case(domains, args.show)
        return
    for domain in domains:
        cases = load_cases(domain)
        start = time.perf_counter()
        results = evaluate(domain, cases)
        summary = summarise(results)
        print_summary(domain, summary)
        report["domains"][domain] = {"summary": summary, "targets_met": _targets(summary),
                                     "seconds": round(time.perf_counter() - start, 1), "cases": results}
    report["definition"] = ("Per case and kind TP=min(pred,label), FP=max(0,pred-label), FN=max(0,label-pred); "
                            "labels count what a person sees on the render (units in benchmarks/defect_precision.py).")
    report["targets"] = {"precision": TARGET_PRECISION, "recall": TARGET_RECALL,
                         "curated_flagged_share": TARGET_CURATED_FLAGGED}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
