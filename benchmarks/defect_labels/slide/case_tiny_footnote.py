from pptx import Presentation
from pptx.util import Inches, Pt
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
import io
from PIL import Image, ImageDraw

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
image = Image.new('RGB', (700, 400), '#F5B7B1')
draw = ImageDraw.Draw(image)
draw.rectangle((0, 260, 700, 400), fill='#5B2C6F')
draw.ellipse((450, 60, 570, 180), fill='#F9E79F')
stream = io.BytesIO()
image.save(stream, format='PNG')
stream.seek(0)
add_text('Machine learning in production', 0.5, 0.4, 9.0, 0.9, 30, 'FFFFFF', bold=True)
slide.shapes.add_picture(stream, Inches(1.5), Inches(1.5), width=Inches(7.0))
add_text('Figure: monitoring, drift and retraining schedules', 1.5, 5.7, 7.0, 0.8, 18, 'E0E1DD')
from pptx.util import Pt
_tiny = slide.shapes.add_textbox(Inches(0.5), Inches(6.8), Inches(7), Inches(0.4)).text_frame; _tiny.text = "All figures are estimates and subject to change"; _tiny.paragraphs[0].runs[0].font.size = Pt(8)
prs.save("deck.pptx")
