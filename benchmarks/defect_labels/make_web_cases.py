"""Write the web defect cases of the labelled set: our own page, each case with known defects (labels checked by
looking at the renders). Run from anywhere: python benchmarks/defect_labels/make_web_cases.py"""
import json
from pathlib import Path

OUT = Path(__file__).parent / "web"
HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; color: #1d1d1f; background: #ffffff; }}
header {{ background: #14324a; color: #ffffff; padding: 18px 40px; display: flex; justify-content: space-between; align-items: center; }}
header nav a {{ color: #ffffff; margin-left: 20px; text-decoration: none; }}
main {{ max-width: 960px; margin: 0 auto; padding: 32px 40px; }}
.cards {{ display: flex; gap: 24px; align-items: flex-start; }}
.card {{ flex: 1; border: 1px solid #c9d2db; border-radius: 8px; padding: 16px; background: #f7f9fb; }}
footer {{ border-top: 1px solid #d0d0d0; padding: 16px 40px; color: #444444; font-size: 14px; }}
{css}
</style></head>
<body>
<header><strong>{title}</strong><nav><a href="#">Products</a><a href="#">Pricing</a><a href="#">About</a></nav></header>
<main>
<h1>{heading}</h1>
<p>Teams use {title} to plan their week, share notes and keep every decision in <em>one searchable place</em>. It works in the browser and on the phone.</p>
{body}
<div class="cards">
<div class="card"><h3>Plan</h3><p>Boards and lists for every project.</p></div>
<div class="card"><h3>Share</h3><p>Comment, mention and follow changes.</p></div>
<div class="card"><h3>Decide</h3><p>Polls and decision logs your team can trust.</p></div>
</div>
</main>
<footer>&copy; 2024 {title}. All rights reserved.</footer>
</body></html>
"""

CASES = {
    # name: (css, body, defects, notes)
    "clean_product": ("", "", {}, "Our own well-made page: nothing wrong on the render."),
    "faint_lead": (".lead { color: #c4c4c4; }", '<p class="lead">Start free, upgrade when your team grows.</p>',
                   {"low_contrast": 1}, "The lead paragraph is light grey on white (about 1.8:1)."),
    "faint_cards": (".card p { color: #b8b8b8; }", "", {"low_contrast": 3},
                    "The three card texts are pale grey on the card's near-white fill."),
    "banner_off_page": (".promo { position: absolute; left: 1040px; top: 90px; width: 420px; background: #ffcc00; padding: 10px; }",
                        '<div class="promo">Spring sale: 40% off every yearly plan this week</div>',
                        {"out_of_canvas": 1, "clipped_text": 1},
                        "A yellow promo banner runs off the right edge; its sentence is cut there."),
    "overlapping_heading": (".badge { position: absolute; left: 60px; top: 122px; font-size: 30px; font-weight: bold; color: #b00020; }",
                            '<div class="badge">NEW RELEASE</div>', {"text_overlap": 1},
                            "A red 'NEW RELEASE' label is drawn over the h1 heading."),
    "word_overflows_card": (".narrow { width: 110px; border: 1px solid #333; padding: 4px; }",
                            '<div class="narrow">Interoperability-certification</div>', {"overflow": 1},
                            "An unbreakable word sticks out of its narrow bordered box."),
    "clipped_button": (".cta { width: 120px; overflow: hidden; white-space: nowrap; border: 1px solid #14324a; padding: 6px; }",
                       '<div class="cta">Start your free thirty day trial today</div>', {"clipped_text": 1},
                       "The call-to-action text is cut by its narrow box (overflow hidden, no ellipsis)."),
    "ellipsis_on_purpose": (".title { width: 160px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; border: 1px solid #ccc; padding: 4px; }",
                            '<div class="title">A long document title shortened with an ellipsis</div>', {},
                            "Text cut with a visible ellipsis on purpose: not a defect."),
    "misaligned_cards": (".card:nth-child(2) { margin-top: 5px; }", "", {"misaligned": 1},
                         "The middle card sits 5 px lower than its neighbours (tops should line up)."),
    "tiny_legal": (".legal { font-size: 7px; }", '<p class="legal">Prices exclude VAT. Cancel any time from your account settings.</p>',
                   {"small_text": 1}, "A legal line in 7 px (5 pt) text."),
    "wide_table": ("table { width: 1500px; border-collapse: collapse; } td { border: 1px solid #888; padding: 6px; }",
                   "<table><tr><td>Plan</td><td>Seats</td><td>Storage</td><td>Support</td><td>Price per month, billed yearly</td></tr></table>",
                   {"out_of_canvas": 1},
                   "A bordered table 1500 px wide runs off the right edge (its last cell's words still fit on the page)."),
    "hidden_helpers": (".sr { position: absolute; left: -10000px; } .tip { opacity: 0; position: absolute; top: 100px; left: 60px; }",
                       '<a class="sr" href="#">Skip to content</a><div class="tip">Tooltip text waiting for hover</div>', {},
                       "Screen-reader link off the page and an invisible tooltip: nothing visible is wrong."),
    "grey_on_blue_footer": ("footer { background: #2a5db0; color: #5f7fb5; }", "", {"low_contrast": 1},
                            "The footer's blue-grey text on blue is hard to read."),
    "two_defects": (".note { position: absolute; left: 48px; top: 240px; color: #d6d6d6; font-size: 18px; }",
                    '<div class="note">Limited offer for new teams</div>', {"low_contrast": 1},
                    "A pale grey note (about 1.5:1) placed over the left edge of the first card; its words do not touch "
                    "other text."),
}

for name, (css, body, defects, notes) in CASES.items():
    title = "Northwind Notes"
    (OUT / f"case_{name}.html").write_text(HEAD.format(title=title, heading="Notes your team will actually read", css=css, body=body))
    (OUT / f"case_{name}.json").write_text(json.dumps({"source": "our own defect case (benchmarks/defect_labels)", "curated": False,
                                                       "defects": defects, "notes": notes}, indent=1) + "\n")
print(len(CASES))
