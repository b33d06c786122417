from pptx import Presentation
from pptx.util import Inches, Pt
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN

prs = Presentation()
slide = prs.slides.add_slide(prs.slide_layouts[6])


def add_text(text, left, top, width, height, size, color, bold=False, align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(color)
    return box

slide.background.fill.solid()
slide.background.fill.fore_color.rgb = RGBColor.from_string('F4F1EA')
add_text('Urban cycling infrastructure', 0.5, 0.4, 9.0, 0.9, 30, '5B2C6F', bold=True)
add_text('• Installed capacity more than doubled over the period, driven mostly by offshore projects in shallow waters\n• Fast chargers along the main highways removed the most common objection raised by first-time buyers\n• Monitoring dashboards caught three silent data drift incidents before any customer noticed a change', 0.5, 1.5, 9.0, 5.5, 20, '2C2C2C')
from pptx.util import Pt
_box = slide.shapes.add_textbox(Inches(7.6), Inches(6.2), Inches(4), Inches(0.8)); _box.text_frame.text = "Questions? Write to the team"
prs.save("deck.pptx")
