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
slide.background.fill.fore_color.rgb = RGBColor.from_string('102A43')
def add_header(text, left):
    card = slide.shapes.add_shape(1, Inches(left), Inches(1.5), Inches(4.25), Inches(0.6))
    card.fill.solid()
    card.fill.fore_color.rgb = RGBColor.from_string('F0B429')
    card.line.fill.background()
    card.text_frame.text = text
    run = card.text_frame.paragraphs[0].runs[0]
    run.font.size = Pt(20)
    run.font.bold = True
    run.font.color.rgb = RGBColor.from_string('111111')


add_text('Urban cycling infrastructure', 0.5, 0.4, 9.0, 0.9, 30, 'F0F4F8', bold=True)
add_header('Pros', 0.5)
add_header('Cons', 5.25)
add_text('• Satisfaction scores improved in every region except the one where staffing stayed below target\n• Most of the debris collected on beaches comes from land-based sources carried down by rivers', 0.5, 2.3, 4.25, 4.6, 16, 'D9E2EC')
add_text('• Survey respondents who felt safe on their daily commute rose sharply once the protected lanes opened\n• Average response time fell from eleven hours to four after the new triage rota was introduced in March', 5.25, 2.3, 4.25, 4.6, 16, 'D9E2EC')
prs.save("deck.pptx")
