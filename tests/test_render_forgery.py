"""A program runs in the same process as the renderer code that reports its result, so it can forge that report. A
forged report is data, never code: it is checked against the renderer's schema, and what fails is a failed render."""

import struct
import zlib

import pytest


FORGE = '''
import os, struct
import msgspec
value = {VALUE}
report = msgspec.msgpack.encode({{"ok": True, "value": value}})
for name in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{{name}}").startswith("pipe:") and int(name) > 2:
            os.write(int(name), struct.pack("!Q", len(report)) + report)
    except OSError:
        pass
os._exit(0)
'''



def _png_header(width: int, height: int) -> bytes:
    """The signature and chunks of a PNG announcing `width` x `height` pixels, with no pixel data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack("!IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(
        b"IEND", b"")


# 9000 x 9000 pixels: 81 MP, over our cap and under Pillow's own bomb threshold.
BOMB_HEADER = repr(_png_header(9000, 9000))


@pytest.fixture(scope="module")
def chart_renderer():
    from trl_visual_sdpo.render.chart import ChartRenderer
    from trl_visual_sdpo.sandbox import SandboxConfig

    renderer = ChartRenderer(SandboxConfig(num_workers=1, timeout_s=20))
    yield renderer
    renderer.close()


@pytest.mark.parametrize("value, expected", [
    ('{"ok": True, "png": b"GIF89a", "size": [10, 10], "elements": [], "figures": 1, "calls": []}', "not a PNG"),
    (f'{{"ok": True, "png": {BOMB_HEADER}, "size": [9000, 9000], "elements": [], "figures": 1, "calls": []}}',
     "pixel limit"),
    ('{"ok": True, "png": b"", "size": [1, 1], "elements": [{"id": 1, "kind": "text", "bbox": [0, 0]}]}', "rejected"),
    ('{"ok": True, "png": b"", "size": [1, 1], "backdoor": "__import__(\'os\')"}', "rejected"),
])
def test_a_forged_chart_report_is_a_failed_render(chart_renderer, value, expected):
    result = chart_renderer.render(FORGE.format(VALUE=value))
    assert not result.ok and not result.infra_error and expected in result.error, result.error
    assert result.image_png is None and result.elements == []


def test_a_forged_slide_report_is_a_failed_render():
    from slide_decks import shared_renderer

    renderer = shared_renderer()
    result = renderer.render(FORGE.format(VALUE='{"ok": True, "deck": "not bytes", "shapes": 3}'))
    assert not result.ok and not result.infra_error and "rejected" in result.error, result.error
