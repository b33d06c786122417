"""Write the slide part of the labelled defect set: real-looking decks (the embedded reference decks: title,
bullets, two-column, picture, table and chart slides; curated) and our own defect cases (each a reference deck
with one change that breaks it). Labels were checked by looking at the renders.

    python benchmarks/defect_labels/make_slide_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path

from trl_visual_sdpo.data.slide import slide_tasks

OUT = Path(__file__).parent / "slide"

# name: (lines added before prs.save, defects a person sees, notes)
DEFECTS = {
    "box_off_slide": (['_box = slide.shapes.add_textbox(Inches(7.6), Inches(6.2), Inches(4), Inches(0.8)); '
                       '_box.text_frame.text = "Questions? Write to the team"'], {"clipped_text": 1},
                      "A text box without fill or outline runs off the right edge; its sentence is cut there (the "
                      "box itself is invisible, so only the cut text is seen)."),
    "faint_footnote": (['_note = slide.shapes.add_textbox(Inches(0.5), Inches(6.7), Inches(7), Inches(0.5)).text_frame; '
                        '_note.text = "Source: internal survey, 2024"; '
                        '_note.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xEE, 0xEE, 0xEE); '
                        '_note.paragraphs[0].runs[0].font.size = Pt(14)'], {"low_contrast": 1, "data_overlap": 1},
                       "A light grey (#EEEEEE) footnote on the white slide, barely visible, drawn under the chart's "
                       "legend."),
    "tiny_footnote": (['_tiny = slide.shapes.add_textbox(Inches(0.5), Inches(6.8), Inches(7), Inches(0.4)).text_frame; '
                       '_tiny.text = "All figures are estimates and subject to change"; '
                       '_tiny.paragraphs[0].runs[0].font.size = Pt(8)'], {"small_text": 1, "low_contrast": 1},
                      "An 8 pt footnote in the default black on the deck's navy background: too small and too dark."),
    "stacked_labels": (['slide.shapes.add_textbox(Inches(1), Inches(5.9), Inches(6), Inches(0.7)).text_frame.text = '
                        '"Next steps for the pilot"',
                        'slide.shapes.add_textbox(Inches(1.25), Inches(6.05), Inches(6), Inches(0.7)).text_frame.text = '
                        '"Budget review in May"'], {"text_overlap": 1},
                       "Two text boxes drawn on top of each other near the bottom."),
    "overflowing_box": (['_small = slide.shapes.add_textbox(Inches(6.0), Inches(6.4), Inches(3.2), Inches(0.4)).text_frame; '
                         '_small.word_wrap = True; _small.text = "This closing remark is far too long for the small '
                         'box it was given and runs out of it"'], {"overflow": 1, "low_contrast": 1},
                        "A paragraph in default black on the navy slide overflows its small box down to the slide's "
                        "bottom edge (its last line is still whole)."),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tasks = slide_tasks()
    by_type: dict[str, list[dict]] = {}
    for task in tasks:
        by_type.setdefault(task["slide_type"], []).append(task)
    curated = [t for group in by_type.values() for t in group[:2]]
    for task in curated:
        (OUT / f"deck_{task['task_id']}.py").write_text(task["reference_code"])
        (OUT / f"deck_{task['task_id']}.json").write_text(json.dumps(
            {"source": f"trl_visual_sdpo.data.slide reference deck {task['task_id']} ({task['slide_type']})",
             "curated": True, "defects": {}, "notes": "A clean deck: nothing overlaps, is cut, faint or tiny."},
            indent=1) + "\n")
    bases = [by_type[kind][2] for kind in sorted(by_type)]
    for i, (name, (lines, defects, notes)) in enumerate(DEFECTS.items()):
        base = bases[i % len(bases)]
        code = base["reference_code"].rstrip("\n").split("\n")
        at = max(i for i, line in enumerate(code) if line.startswith("prs.save("))
        code[at:at] = ["from pptx.util import Pt", *lines]
        (OUT / f"case_{name}.py").write_text("\n".join(code) + "\n")
        (OUT / f"case_{name}.json").write_text(json.dumps(
            {"source": f"our own defect case: reference deck {base['task_id']} plus the lines before prs.save",
             "curated": False, "defects": defects, "notes": notes}, indent=1) + "\n")
    print(len(curated), "decks and", len(DEFECTS), "defect cases")


if __name__ == "__main__":
    main()
