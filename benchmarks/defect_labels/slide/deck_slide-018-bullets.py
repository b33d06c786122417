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
add_text('Quarterly business review', 0.5, 0.4, 9.0, 0.9, 30, 'FFFFFF', bold=True)
add_text('• Teams that agreed on two shared office days reported better onboarding for new colleagues\n• Most of the debris collected on beaches comes from land-based sources carried down by rivers\n• Monitoring dashboards caught three silent data drift incidents before any customer noticed a change\n• Satisfaction scores improved in every region except the one where staffing stayed below target', 0.5, 1.5, 9.0, 5.5, 20, 'E0E1DD')
prs.save("deck.pptx")
