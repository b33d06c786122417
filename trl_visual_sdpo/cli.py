"""`trl-visual-sdpo render|eval DOMAIN ...`: render a program or score a prediction against a reference.

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
    from trl_visual_sdpo.metrics import score_prediction

    pred, ref = _read(args.pred, parser), _read(args.ref, parser)
    scores = score_prediction(args.domain, pred, ref, renderer=load_renderer(args.domain))
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        for name, value in scores.items():
            print(f"{name:>24}: {value}")
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
    evaluate = commands.add_parser("eval", help="Score a predicted program against a reference program.")
    evaluate.add_argument("domain", choices=sorted(RENDERERS))
    evaluate.add_argument("--pred", required=True, help="Path of the predicted program.")
    evaluate.add_argument("--ref", required=True, help="Path of the reference program.")
    evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")
    evaluate.set_defaults(run=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.run(args, parser)


if __name__ == "__main__":
    sys.exit(main())
