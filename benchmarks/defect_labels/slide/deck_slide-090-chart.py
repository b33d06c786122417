from pptx import Presentation
from pptx.util import Inches, Pt
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

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
add_text('Machine learning in production', 0.5, 0.4, 9.0, 0.9, 30, '5B2C6F', bold=True)
data = CategoryChartData()
data.categories = ['Wind', 'Solar', 'Hydro', 'Other']
data.add_series('2023', [33.2, 7.3, 29.6, 12.8])
frame = slide.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(0.5), Inches(1.5), Inches(9.0), Inches(5.5), data)
chart = frame.chart
chart.has_legend = True
chart.legend.position = XL_LEGEND_POSITION.BOTTOM
chart.legend.include_in_layout = False
chart.font.color.rgb = RGBColor.from_string('2C2C2C')
prs.save("deck.pptx")
