"""How far from uniform does visual-grounded credit weigh a model's own flawed programs, per `credit_box`?

    python benchmarks/credit_strength.py        # the warm start's held-out programs from the grid_v2 zero_shot runs

The held-out programs that a grid_v2 run kept (`final.programs` of `benchmarks/results/grid_v2/<run>.json`: 32
tasks x 4 sampled programs of the default warm start for `zero_shot-seed<k>-1657fe77`) are rendered in the sandbox
and, for those that run with a defect, each token's distillation weight `1 + alpha * credit` is computed exactly as
the trainer does (`credit.token_weights`, alpha 1), once per credit box: `element` (each element a statement drew,
the default) and `statement` (the union box of them all, the first version). Per box: the mean token weight of a
flawed program, the share of its tokens with credit, and the mean credit of a credited token; overall and per
defect kind (programs with that kind). Writes `benchmarks/results/credit_strength.json`.

`benchmarks/attribution_injection.py` asks the other question: does the credit land on the line that caused a
defect? (Injected defects, where that line is known.)
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from transformers import AutoTokenizer

from trl_visual_sdpo.credit import CREDIT_BOXES, token_char_spans, token_weights
from trl_visual_sdpo.extract import extract_code, render_completions
from trl_visual_sdpo.render.chart import ChartRenderer


RESULTS = Path(__file__).parent / "results"


def program_weights(result, completion: str, offset: int, spans: list[tuple[int, int]], box: str) -> dict:
    """Mean token weight, share of credited tokens and mean credit of a credited token of one completion."""
    weights, credits, _ = token_weights(result, spans, completion, offset, 1.0, box)
    credited = [c for c in credits if c > 0]
    return {"mean_token_weight": statistics.fmean(weights), "credited_token_frac": len(credited) / len(credits),
            "mean_credit_of_credited": statistics.fmean(credited) if credited else 0.0}


def _means(rows: list[dict]) -> dict:
    return {box: {key: statistics.fmean(r[box][key] for r in rows) for key in rows[0][box]} for box in CREDIT_BOXES}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", type=Path,
                        default=sorted((RESULTS / "grid_v2").glob("zero_shot-seed*-1657fe77.json")))
    parser.add_argument("--tokenizer", default=None, help="Default: the runs' starting model (`budget.model`).")
    parser.add_argument("--out", type=Path, default=RESULTS / "credit_strength.json")
    args = parser.parse_args(argv)
    if not args.runs:
        raise SystemExit("No run files: pass --runs benchmarks/results/grid_v2/<run>.json (runs that kept programs).")
    records = [json.loads(path.read_text()) for path in args.runs]
    completions = [program for record in records for program in record["final"]["programs"]]
    tokenizer = AutoTokenizer.from_pretrained(args.tokenizer or records[0]["budget"]["model"])
    renderer = ChartRenderer()
    try:  # extract, render and locate the code exactly as the trainer does
        results = render_completions(renderer, completions)
        offsets = [extract_code(completion, tuple(renderer.code_languages))[1] for completion in completions]
    finally:
        renderer.close()
    rows = []
    for completion, offset, result in zip(completions, offsets, results):
        if result.ok and result.defects:
            ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
            spans = token_char_spans(tokenizer, ids, completion)
            rows.append({"kinds": sorted({str(d.kind) for d in result.defects}),
                         **{box: program_weights(result, completion, offset, spans, box) for box in CREDIT_BOXES}})
    kinds = sorted({kind for row in rows for kind in row["kinds"]})
    report = {"command": "python benchmarks/credit_strength.py", "runs": [p.name for p in args.runs],
              "programs": len(completions), "ran": sum(r.ok for r in results), "flawed": len(rows),
              "alpha": 1.0, "overall": _means(rows) if rows else {},
              "by_kind": {kind: {"programs": len(of_kind), **_means(of_kind)}
                          for kind in kinds if (of_kind := [r for r in rows if kind in r["kinds"]])}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(json.dumps({k: report[k] for k in ("programs", "ran", "flawed", "overall")}, indent=1))
    return report


if __name__ == "__main__":
    main()
