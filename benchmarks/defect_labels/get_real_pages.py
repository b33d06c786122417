"""Copy the real pages of the labelled web set next to their labels (they are third-party pages, so the repository
keeps only the labels). The pages are the DCGen repository's copies of real sites (data/original/<n>.html):

    git clone https://github.com/WebPAI/DCGen /tmp/DCGen
    python benchmarks/defect_labels/get_real_pages.py /tmp/DCGen
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

HERE = Path(__file__).parent / "web"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dcgen", type=Path, help="A checkout of github.com/WebPAI/DCGen.")
    args = parser.parse_args()
    copied = 0
    for label in sorted(HERE.glob("d2c_*.json")):
        source = args.dcgen / "data" / "original" / f"{label.stem.removeprefix('d2c_')}.html"
        if not source.exists():
            raise SystemExit(f"{source} is missing: is {args.dcgen} a checkout of WebPAI/DCGen?")
        shutil.copy(source, label.with_suffix(".html"))
        copied += 1
    print(f"copied {copied} pages into {HERE}")


if __name__ == "__main__":
    main()
