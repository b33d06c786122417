"""The web renderer: real headless Chromium, DOM-to-source lines (tags and the CSS rules the browser matched),
hostile pages contained (nothing leaves the machine), a browser that dies is restarted, and the CLI."""

import base64
import http.server
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib

import pytest

from trl_visual_sdpo.render.base import RenderResult
from trl_visual_sdpo.render.browser import _wrapper_script, find_chromium
from trl_visual_sdpo.render.web import WebRenderConfig, WebRenderer, annotate_source


TIMEOUT_S = 6.0

KNOWN = """<!DOCTYPE html>
<html><head><style>
h1 { color: #1f2933; }
.note {
  font-size: 18px;
}
</style></head>
<body>
<h1>Quarterly report</h1>
<p class="note">Revenue grew.</p>
<p>Plain paragraph.</p>
</body></html>"""

# Two <style> blocks (line offsets), an @media rule, a selector list, an id rule, a tag over two lines, and a
# style sheet a script adds (no source lines: nothing may be credited for it).
RULES = """<!DOCTYPE html>
<html><head>
<style>
.card { padding: 8px; }
#lead { font-weight: bold; }
</style>
<style>
@media (min-width: 600px) {
  .card p { color: #222; }
}
h2, .title { font-size: 24px; }
</style>
</head>
<body>
<div class="card">
  <h2>Card title</h2>
  <p id="lead"
     style="margin: 0">Lead text</p>
</div>
<span class="title">Inline title</span>
<script>
const sheet = document.createElement("style"); sheet.textContent = "span { letter-spacing: 1px; }";
document.head.appendChild(sheet);
</script>
</body></html>"""

CLEAN = """<!DOCTYPE html><html><head><style>
body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #1f2933; background: #ffffff; }
.row { display: flex; gap: 16px; }
.card { width: 200px; padding: 12px; border: 1px solid #333; }
</style></head><body>
<h1>Clean page</h1>
<div class="row"><div class="card">First card</div><div class="card">Second card</div></div>
</body></html>"""


@pytest.fixture(scope="module")
def renderer():
    web = WebRenderer(WebRenderConfig(timeout_s=TIMEOUT_S))
    yield web
    web.close()


def _texts(result):
    return {e.text: e for e in result.elements if e.kind == "text"}


def test_annotation_keeps_line_numbers():
    annotated = annotate_source(KNOWN)
    assert annotated.count("\n") == KNOWN.count("\n")
    assert '<h1 data-tvs-line="9-9">' in annotated and '<p data-tvs-line="10-10" class="note">' in annotated
    assert '<p data-tvs-line="17-18" id="lead"' in annotate_source(RULES)


def test_elements_credit_their_tag_and_the_css_rules_that_style_them(renderer):
    result = renderer.render(KNOWN)
    assert result.ok, result.error
    texts = _texts(result)
    assert texts["Quarterly report"].lines == [3, 9]  # the `h1 {...}` rule and the tag
    assert texts["Revenue grew."].lines == [4, 5, 6, 10]  # the whole `.note {...}` rule and the tag
    assert texts["Plain paragraph."].lines == [11]
    assert result.image_png.startswith(b"\x89PNG") and result.size == (1280, 800)


def test_matched_rules_come_from_the_browser(renderer):
    result = renderer.render(RULES)
    assert result.ok, result.error
    texts, boxes = _texts(result), {e.meta["tag"]: e for e in result.elements if e.kind == "box"}
    assert boxes["div"].lines == [4, 15]  # `.card` (first <style>) and the tag
    assert texts["Card title"].lines == [11, 16]  # `h2, .title` in the second <style>
    assert texts["Lead text"].lines == [5, 9, 17, 18]  # `#lead`, `.card p` inside @media, the two-line tag
    assert texts["Inline title"].lines == [11, 20]  # the script's `span` rule matched too, but has no source line
    assert texts["Card title"].font_size == 24 and texts["Card title"].meta["font_pt"] == 18
    assert texts["Lead text"].colors == {"color": "#222222", "background": "#ffffff"}
    assert texts["Lead text"].meta["container"] == boxes["p"].id  # a block's text must stay in its box


def test_clean_page_has_no_defects(renderer):
    result = renderer.render(CLEAN)
    assert result.ok and result.defects == [], [d.message for d in result.defects]
    assert result.rubric["overall"] == 1.0


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>reached</h1>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def outside():
    """A local HTTP server that counts every request it gets: the address a page tries to reach."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _png(width: int, height: int) -> bytes:
    """A white PNG: a few hundred KB of file for a huge bitmap."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + b"\xff" * (width * 3)) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def hostile_pages(base: str) -> dict[str, str]:
    return {
        "infinite loop": "<h1>x</h1><script>while (true) {}</script>",
        "fetch outside": f"<h1>x</h1><img src='{base}/img'><script>fetch('{base}/fetch');"
                         f"new Image().src = '{base}/beacon';</script>",
        "window.open": f"<h1>x</h1><script>window.open('{base}/popup'); window.open('about:blank');</script>",
        "meta refresh loop": "<meta http-equiv='refresh' content='0'><h1>again</h1>",
        "refresh outside": f"<meta http-equiv='refresh' content='0;url={base}/away'><h1>away</h1>",
        "million elements": "<body><h1>x</h1><script>for (let i = 0; i < 1000000; i++) "
                            "document.body.appendChild(document.createElement('div')).textContent = 'x' + i;"
                            "</script></body>",
        "memory hog": "<body><h1>x</h1><script>const a = []; while (true) a.push(new Array(1e7).fill(1.5));"
                      "</script></body>",
        "huge inline data": "<img src='data:image/png;base64," + "A" * 3_000_000 + "'>",
        "huge inline image": "<h1>x</h1><img src='data:image/png;base64," + base64.b64encode(
            _png(12000, 12000)).decode() + "'>",
    }


# What each page must come back as: (ok, what the error says or a text the clean render shows).
EXPECTED = {
    "infinite loop": (False, "did not finish"),
    "fetch outside": (True, "x"),
    "window.open": (True, "x"),
    "meta refresh loop": (True, "again"),
    "refresh outside": (True, "away"),
    "million elements": (False, "did not finish"),
    "memory hog": (False, "crashed"),
    "huge inline data": (False, "over the 2,000,000 limit"),
    "huge inline image": (True, "x"),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_pages_are_contained(renderer, outside, name):
    start = time.perf_counter()
    result = renderer.render(hostile_pages(outside)[name])
    elapsed = time.perf_counter() - start
    assert elapsed < TIMEOUT_S + 10, elapsed  # the time limit, plus closing a stuck tab
    ok, evidence = EXPECTED[name]
    assert result.ok == ok, result.error
    if ok:  # a clean render of the page itself, within the size caps
        assert evidence in _texts(result) and result.size[1] <= renderer.config.max_page_height
    else:
        assert evidence in result.error
    assert _Counter.hits == 0  # nothing left the machine
    assert renderer.render(CLEAN).ok  # and the renderer still works afterwards


def test_blocked_requests_are_reported(renderer, outside):
    result = renderer.render(hostile_pages(outside)["fetch outside"])
    assert {f"{outside}/img", f"{outside}/fetch", f"{outside}/beacon"} <= set(result.meta["blocked_requests"])


def test_the_browser_has_no_network_even_without_interception(tmp_path, outside):
    """The bubblewrap wrapper alone keeps a page from reaching the server; the same browser without it does."""
    chromium = find_chromium()
    command = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", f"{outside}/direct"]
    _Counter.hits = 0
    contained = subprocess.run([_wrapper_script(chromium, tmp_path), *command], capture_output=True, text=True,
                               timeout=60)
    assert _Counter.hits == 0 and "reached" not in contained.stdout
    control = subprocess.run([chromium, *command], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "HOME": str(tmp_path)})
    assert _Counter.hits >= 1 and "reached" in control.stdout  # the check above can fail
    _Counter.hits = 0


def _descendants() -> dict[int, str]:
    """Our own descendant processes: pid -> command name."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, stack = {}, [os.getpid()]
    while stack:
        for child in children.get(stack.pop(), []):
            stack.append(child)
            try:
                found[child] = open(f"/proc/{child}/comm").read().strip()
            except OSError:
                pass
    return found


def test_a_killed_browser_is_restarted():
    before = set(_descendants())
    web = WebRenderer(WebRenderConfig(timeout_s=TIMEOUT_S))
    try:
        assert web.render(CLEAN).ok
        # this renderer's sandbox: bubblewrap (outer and inner process), which takes Chromium down with it
        sandbox = [pid for pid, name in _descendants().items() if name == "bwrap" and pid not in before]
        assert sandbox
        os.kill(min(sandbox), signal.SIGKILL)
        time.sleep(1.0)
        after = [web.render(CLEAN) for _ in range(2)]
        assert after[-1].ok and all(r.ok or r.error for r in after)
        restarted = [pid for pid, name in _descendants().items() if name == "bwrap" and pid not in before]
        assert restarted and not set(restarted) & set(sandbox)
        web.close()
        assert web.render(CLEAN).ok  # a closed renderer starts a new browser when used again
    finally:
        web.close()


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "trl_visual_sdpo.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_cli_renders_and_evaluates_a_web_page(tmp_path):
    (tmp_path / "ref.html").write_text(KNOWN)
    (tmp_path / "pred.html").write_text(KNOWN.replace("Revenue grew.", "Revenue fell sharply."))
    done = cli("render", "web", str(tmp_path / "pred.html"), "--json", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["ok"] and any(e["text"] == "Revenue fell sharply." and e["lines"] == [4, 5, 6, 10]
                                for e in result["elements"])
    assert (tmp_path / "out" / "render.png").read_bytes().startswith(b"\x89PNG")
    done = cli("eval", "web", "--pred", str(tmp_path / "pred.html"), "--ref", str(tmp_path / "ref.html"), "--json",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    scores = json.loads(done.stdout)
    assert scores["block_match"] > 0.9 and scores["text"] < 1.0 and 0 < scores["overall"] < 1.0
    assert scores["clip"] is None and scores["clip_skipped"]


def test_a_browser_that_dies_twice_is_an_infrastructure_failure(monkeypatch):
    attempts = []

    async def dies(self, html, start):
        attempts.append(html)
        return RenderResult.failure("Target page, context or browser has been closed", code=html), True

    monkeypatch.setattr(WebRenderer, "_render_attempt", dies)
    web = WebRenderer(WebRenderConfig(timeout_s=TIMEOUT_S))
    try:
        result = web.render(CLEAN)
    finally:
        web.close()
    assert len(attempts) == 2 and web.browser_restarts == 1
    assert not result.ok and result.infra_error and "infrastructure failure, not the page's" in result.error
