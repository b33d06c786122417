"""Draw the README's picture of each domain: one flawed program per domain, rendered in its real renderer, with its
defect boxes (`trl_visual_sdpo.visualize.draw_defects`). Writes docs/images/{chart,web,slide}_defects.png.

    python scripts/domain_pictures.py
"""

from __future__ import annotations

from pathlib import Path

from trl_visual_sdpo.domains import load_renderer
from trl_visual_sdpo.visualize import draw_defects


ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "defect_labels"
CASES = {
    "chart": LABELS / "chart",
    "web": LABELS / "web" / "case_banner_off_page.html",
    "slide": LABELS / "slide" / "case_stacked_labels.py",
}
CHART = '''import matplotlib.pyplot as plt
regions = ["North America", "Latin America", "Western Europe", "Eastern Europe", "Middle East", "Southeast Asia"]
revenue = [42, 18, 35, 12, 9, 27]
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.bar(regions, revenue, color="#4C72B0")
ax.set_title("Quarterly revenue by region (millions of dollars)", fontsize=15)
ax.set_ylabel("Revenue", color="#dddddd")
'''


def main() -> None:
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    for domain, case in CASES.items():
        code = CHART if domain == "chart" else case.read_text()
        renderer = load_renderer(domain)
        try:
            result = renderer.render(code)
        finally:
            renderer.close()
        if not result.ok:
            raise SystemExit(f"{domain}: the example did not render: {result.error}")
        draw_defects(result).save(out / f"{domain}_defects.png")
        print(domain, [d.kind for d in result.defects])


if __name__ == "__main__":
    main()
