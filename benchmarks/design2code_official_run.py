"""Compute the official Design2Code numbers of `tests/fixtures/design2code_official.json` (reproduction only).

Runs Design2Code's own `visual_eval_v3_multi` on exported pairs. Their code is not part of this repository: give
a checkout of github.com/NoviScl/Design2Code; it is copied to a temporary directory and patched there (nothing in
the checkout changes), in a throwaway environment with their metric's dependencies:

    python3 -m venv /tmp/d2c-venv
    /tmp/d2c-venv/bin/pip install beautifulsoup4 opencv-python-headless colormath playwright scipy scikit-learn \\
        matplotlib tqdm pillow
    python benchmarks/web_metric_agreement.py --export-pairs /tmp/pairs.json
    /tmp/d2c-venv/bin/python benchmarks/design2code_official_run.py /path/to/Design2Code /tmp/pairs.json out.json

The patches (also listed in the fixture): `screenshot_single.py` launches `--chromium` (default /usr/bin/chromium)
instead of Playwright's own browser, which is not installed here (their script then saves a blank white image and
every page has no blocks); the `if len(predict_blocks) == 0:` line of `visual_score.py`, which does not parse at
their HEAD, is re-indented to its `elif`; `clip` and `torch` are stubbed (no CLIP weights can be downloaded) and
the CLIP score is a constant that feeds nothing recorded. A pair whose prediction their pre-processing cut
(`check_repetitive_content` leaves `pred_old.txt`) is marked `official_truncated`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


FILES = ("metrics/__init__.py", "metrics/screenshot_single.py", "metrics/visual_score.py",
         "metrics/ocr_free_utils.py", "data_utils/dedup_post_gen.py")
STUBS = {
    "clip.py": "def load(name, device='cpu'):\n    return None, None  # no CLIP weights here\n",
    "torch.py": "class cuda:\n    @staticmethod\n    def is_available():\n        return False\n",
}


def prepare(checkout: Path, chromium: str) -> Path:
    """A patched copy of the files their metric needs, with the stubs beside it; returns its root."""
    root = Path(tempfile.mkdtemp(prefix="d2c-official-"))
    for name in FILES:
        target = root / "Design2Code" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(checkout / "Design2Code" / name, target)
    for package in ("Design2Code", "Design2Code/data_utils"):
        (root / package / "__init__.py").touch()
    shot = root / "Design2Code/metrics/screenshot_single.py"
    text = shot.read_text()
    if "p.chromium.launch()" not in text:
        raise SystemExit(f"{shot}: no `p.chromium.launch()` to point at {chromium}; is this their metrics code?")
    shot.write_text(text.replace("p.chromium.launch()",
                                 f"p.chromium.launch(executable_path={chromium!r}, args=['--no-sandbox'])"))
    score = root / "Design2Code/metrics/visual_score.py"
    text = score.read_text()
    for line in ("if len(predict_blocks) == 0:", "elif len(original_blocks) == 0:"):
        text = "\n".join(" " * 8 + line if raw.strip() == line else raw for raw in text.split("\n"))
    score.write_text(text)
    for name, body in STUBS.items():
        (root / name).write_text(body)
    return root


def score(args: tuple[str, dict]) -> dict:
    root, pair = args
    sys.path[:0] = [root]
    os.environ["PYTHONPATH"] = root
    os.environ["PATH"] = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # their `python3` subprocesses
    os.chdir(f"{root}/Design2Code")  # they call "python3 metrics/screenshot_single.py"
    from Design2Code.metrics import visual_score

    visual_score.calculate_clip_similarity_with_blocks = lambda *a, **k: 0.0  # CLIP stubbed: nothing recorded
    work = Path(root) / "work" / pair["id"].replace(":", "__")
    work.mkdir(parents=True)
    (work / "pred.html").write_text(pair["prediction"])
    (work / "ref.html").write_text(pair["reference"])
    try:
        [(_, _, (size, text, position, color, _))] = visual_score.visual_eval_v3_multi(
            [[str(work / "pred.html")], str(work / "ref.html")])
    except Exception:  # noqa: BLE001  (any failure of their code is recorded for that pair, the run goes on)
        return {"error": traceback.format_exc()}
    return {"official": {"block_match": float(size), "text": float(text), "position": float(position),
                         "color": float(color)},
            "official_truncated": (work / "pred_old.txt").exists()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkout", type=Path, help="A checkout of github.com/NoviScl/Design2Code.")
    parser.add_argument("pairs", type=Path, help="From web_metric_agreement.py --export-pairs.")
    parser.add_argument("output", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = str(prepare(args.checkout, args.chromium))
    pairs = json.loads(args.pairs.read_text())
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(score, [(root, pair) for pair in pairs]))
    failed = [p["id"] for p, r in zip(pairs, results) if "error" in r]
    args.output.write_text(json.dumps({p["id"]: r for p, r in zip(pairs, results)}, indent=1))
    print(f"wrote {args.output} ({len(pairs) - len(failed)} pairs scored; failed: {failed or 'none'})")


if __name__ == "__main__":
    main()
