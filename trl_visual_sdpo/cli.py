"""`trl-visual-sdpo render|eval DOMAIN ...`: render a program, score a prediction against a reference, or evaluate
a model (a Hub id, a checkpoint, or a trained adapter directory) on a domain's tasks.

    trl-visual-sdpo render chart plot.py --json --out render/
    trl-visual-sdpo eval chart --pred pred.py --ref ref.py --json
    trl-visual-sdpo eval chart --model outputs/chart-demo --n 16 --out eval-after/   # JSON + HTML report

Exit status: 0 whenever the command ran, including when the program itself failed (then `ok` is false and
`error` says why); 2 for usage errors (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trl_visual_sdpo.render import RENDERERS, load_renderer


def _read(path: str, parser: argparse.ArgumentParser) -> str:
    try:
        return Path(path).read_text()
    except OSError as error:
        parser.error(f"cannot read {path}: {error.strerror}")


def _render(args, parser) -> int:
    renderer = load_renderer(args.domain)
    result = renderer.render(_read(args.program, parser))
    payload = result.to_dict()
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        if result.image_png:
            (out / "render.png").write_bytes(result.image_png)
            payload["image_png"] = str(out / "render.png")
        (out / "result.json").write_text(json.dumps(payload, indent=2))
    if args.json:
        print(json.dumps(payload, indent=2))
    else:
        status = "ok" if result.ok else f"failed: {result.error}"
        print(f"{args.program}: {status}; {len(result.elements)} elements, {len(result.defects)} defects")
        for defect in result.defects:
            print(f"  [{defect.kind}] {defect.message}")
    return 0


def _eval(args, parser) -> int:
    if bool(args.model) == bool(args.pred or args.ref):
        parser.error("eval needs either --model (evaluate a model on a task set) or --pred and --ref (score one "
                     "prediction), not both.")
    if args.model:
        return _eval_model(args)
    if not (args.pred and args.ref):
        parser.error("eval --pred needs --ref too (the reference program to compare against).")
    from trl_visual_sdpo.metrics import score_prediction

    pred, ref = _read(args.pred, parser), _read(args.ref, parser)
    scores = score_prediction(args.domain, pred, ref, renderer=load_renderer(args.domain))
    _print(scores, args.json)
    return 0


def _print(scores: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(scores, indent=2))
    else:
        for name, value in scores.items():
            print(f"{name:>24}: {value}")


def _eval_model(args) -> int:
    from trl_visual_sdpo.data import load_tasks
    from trl_visual_sdpo.evaluation import evaluate_policy
    from trl_visual_sdpo.models import is_vision_language, load_policy
    from trl_visual_sdpo.report import write_report

    model, processing_class = load_policy(args.model)
    renderer = load_renderer(args.domain)
    try:
        # Like recipes/web.py: a vision-language policy sees the embedded pages' screenshots.
        shows_pages = args.domain == "web" and not args.dataset and is_vision_language(args.model)
        tasks = load_tasks(args.domain, args.dataset, split=args.split, n=args.n,
                           **({"with_images": True, "renderer": renderer} if shows_pages else {}))
        summary, evaluations = evaluate_policy(model, processing_class, renderer, tasks, args.max_new_tokens,
                                               args.batch_size, description=f"Generating for {len(tasks)} tasks")
    finally:
        renderer.close()
    meta = {"model": args.model, "domain": args.domain, "dataset": args.dataset or f"embedded {args.domain} tasks",
            "split": args.split}
    json_path, html_path = write_report(args.out, summary, evaluations, meta)
    _print(summary, args.json)
    if not args.json:
        print(f"Report: {html_path} (and {json_path})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trl-visual-sdpo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="Render one program in the sandbox and report elements and defects.")
    render.add_argument("domain", choices=sorted(RENDERERS))
    render.add_argument("program", help="Path of the program (or page) to render.")
    render.add_argument("--json", action="store_true", help="Print the RenderResult as JSON.")
    render.add_argument("--out", help="Directory to write render.png and result.json into.")
    render.set_defaults(run=_render)
    evaluate = commands.add_parser(
        "eval", help="Score a predicted program against a reference, or a model on a domain's tasks."
    )
    evaluate.add_argument("domain", choices=sorted(RENDERERS))
    evaluate.add_argument("--pred", help="Path of the predicted program.")
    evaluate.add_argument("--ref", help="Path of the reference program.")
    evaluate.add_argument("--model", help="Hub id, checkpoint or trained adapter directory to evaluate.")
    evaluate.add_argument("--dataset", help="Hub id or local file of the tasks; default: the embedded tasks.")
    evaluate.add_argument("--split", default="test", help="Dataset split (default: test).")
    evaluate.add_argument("--n", type=int, help="Evaluate at most this many tasks.")
    evaluate.add_argument("--max-new-tokens", type=int, default=512, help="Completion budget per task.")
    evaluate.add_argument("--batch-size", type=int, default=8, help="Prompts per generate call.")
    evaluate.add_argument("--out", default="eval-report", help="Directory for report.json and report.html.")
    evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")
    evaluate.set_defaults(run=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.run(args, parser)


if __name__ == "__main__":
    sys.exit(main())
