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
slide.background.fill.fore_color.rgb = RGBColor.from_string('1B263B')
add_text('Migrating to the cloud', 0.75, 2.2, 8.5, 1.5, 36, 'FFFFFF', bold=True, align=PP_ALIGN.CENTER)
add_text('What we moved, what it cost, and what we learned', 0.75, 4.0, 8.5, 0.8, 20, 'E0E1DD', align=PP_ALIGN.CENTER)
bar = slide.shapes.add_shape(1, Inches(3.5), Inches(3.8), Inches(3.0), Inches(0.08))
bar.fill.solid()
bar.fill.fore_color.rgb = RGBColor.from_string('F4A261')
bar.line.fill.background()
from pptx.util import Pt
_small = slide.shapes.add_textbox(Inches(6.0), Inches(6.4), Inches(3.2), Inches(0.4)).text_frame; _small.word_wrap = True; _small.text = "This closing remark is far too long for the small box it was given and runs out of it"
prs.save("deck.pptx")
