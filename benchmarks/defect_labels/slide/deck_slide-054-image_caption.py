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

image = Image.new('RGB', (700, 400), '#87CEEB')
draw = ImageDraw.Draw(image)
draw.rectangle((0, 260, 700, 400), fill='#1F618D')
draw.ellipse((450, 60, 570, 180), fill='#F4D03F')
stream = io.BytesIO()
image.save(stream, format='PNG')
stream.seek(0)
add_text('Urban cycling infrastructure', 0.5, 0.4, 9.0, 0.9, 30, '1F3864', bold=True)
slide.shapes.add_picture(stream, Inches(1.5), Inches(1.5), width=Inches(7.0))
add_text('Figure: protected lanes, bike sharing and commuter safety', 1.5, 5.7, 7.0, 0.8, 18, '222222')
prs.save("deck.pptx")
