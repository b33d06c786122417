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

add_text('Machine learning in production', 0.5, 0.4, 9.0, 0.9, 30, '0B5345', bold=True)
header = ['Team', 'Tickets', 'Median reply', 'Score']
rows = [['East', '75', '22', '27%'], ['South', '75', '83', '43%'], ['Alpine', '77', '83', '54%'], ['Coastal', '9', '16', '46%']]
frame = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(1.5), Inches(9.0), Inches(0.5 * (len(rows) + 1)))
table = frame.table
for r, values in enumerate([header] + rows):
    for c, value in enumerate(values):
        cell = table.cell(r, c)
        cell.text = value
        run = cell.text_frame.paragraphs[0].runs[0]
        run.font.size = Pt(16)
        if r == 0:
            run.font.bold = True
            run.font.color.rgb = RGBColor.from_string('FFFFFF')
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string('1F3864')
prs.save("deck.pptx")
