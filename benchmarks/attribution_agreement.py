"""How well do the attribution fallbacks agree with runtime introspection? Precision and recall of the lines.

    python benchmarks/attribution_agreement.py                       # static layer on all embedded references
    python benchmarks/attribution_agreement.py --model_elements 24   # plus the model layer (default policy)

For every element of the embedded reference charts that runtime introspection attributed (ticks excluded: they
have no literal of their own), the element's lines are hidden and each fallback layer is asked for them. A
layer's precision is the share of the lines it names that introspection also names; its recall the share of
introspection's lines it finds; coverage the share of elements it answers at all. Writes
benchmarks/results/attribution_agreement.json and a bar plot beside it.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from trl_visual_sdpo.attribution import model_prompt, parse_model_lines, static_lines
from trl_visual_sdpo.data import chart_tasks
from trl_visual_sdpo.render.base import Element
from trl_visual_sdpo.render.chart import ChartRenderer


RESULTS = Path(__file__).parent / "results"


def _totals(pairs: list[tuple[list[int], list[int]]]) -> dict:
    named = sum(len(found) for found, _ in pairs)
    true = sum(len(truth) for _, truth in pairs)
    hits = sum(len(set(found) & set(truth)) for found, truth in pairs)
    answered = sum(1 for found, _ in pairs if found)
    return {"elements": len(pairs), "coverage": answered / max(len(pairs), 1),
            "precision": hits / max(named, 1), "recall": hits / max(true, 1)}


def policy_asker(max_new_tokens: int = 24):
    import torch

    from trl_visual_sdpo.models import load_default_policy

    model, tokenizer = load_default_policy()

    @torch.no_grad()
    def ask(question: str) -> str:
        inputs = tokenizer.apply_chat_template([{"role": "user", "content": question}], add_generation_prompt=True,
                                               return_tensors="pt", return_dict=True)
        out = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                             pad_token_id=tokenizer.pad_token_id)
        return tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)

    return ask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_elements", type=int, default=0, help="Elements to ask the default policy about.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    renderer = ChartRenderer()
    codes = [t["reference_code"] for t in chart_tasks()]
    cases: list[tuple[str, Element]] = []
    for code, result in zip(codes, renderer.render_batch(codes)):
        cases += [(code, e) for e in result.elements if e.lines and e.meta.get("role") != "tick"]
    renderer.close()

    static = [(static_lines(code, Element(**{**e.__dict__, "lines": []})), e.lines) for code, e in cases]
    report = {"static": {**_totals(static), "by_kind": {
        kind: _totals([p for p, (_, e) in zip(static, cases) if e.kind == kind])
        for kind in sorted({e.kind for _, e in cases})}}}
    if args.model_elements:
        ask = policy_asker()
        sample = random.Random(args.seed).sample(cases, min(args.model_elements, len(cases)))
        pairs, unparsable = [], 0
        for code, element in sample:
            try:
                found = parse_model_lines(ask(model_prompt(code, element)), len(code.splitlines()))
            except ValueError:
                found, unparsable = [], unparsable + 1
            pairs.append((found, element.lines))
        report["model"] = {**_totals(pairs), "unparsable_answers": unparsable, "model": "SmolLM2-135M-Instruct"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "attribution_agreement.json").write_text(json.dumps(report, indent=2))
    _plot(report, RESULTS / "attribution_agreement.png")
    print(json.dumps({layer: {k: v for k, v in values.items() if k != "by_kind"} for layer, values in report.items()}))


def _plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers, metrics = list(report), ("coverage", "precision", "recall")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.8 / len(layers)
    for i, layer in enumerate(layers):
        ax.bar([m + i * width for m in range(len(metrics))], [report[layer][k] for k in metrics], width,
               label=f"{layer} ({report[layer]['elements']} elements)")
    ax.set_xticks([m + width * (len(layers) - 1) / 2 for m in range(len(metrics))], metrics)
    ax.set_ylim(0, 1)
    ax.set_title("Attribution fallbacks vs runtime introspection")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
