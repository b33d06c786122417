"""Web pages: render HTML in a real headless Chromium, and trace every visible element back to its source lines.

One warm browser (`browser.py`) serves every page (a new browser context per page), driven by Playwright's async
API on a background thread, so `render_batch` renders several pages at once. Pages are hostile input:

- no network: the page is served from a fake origin by request interception and every other request is refused;
  the browser itself runs inside bubblewrap without a network namespace, so nothing leaves the machine even if
  interception were bypassed (the home, the project directory and /tmp are hidden from it too);
- a fixed viewport, a cap on the page's size and on the screenshot's height, and a wall-clock limit per page;
- pop-ups are closed, a page may load once (a meta refresh loop cannot navigate), dialogs are dismissed;
- a page that hangs, crashes its tab or kills the browser comes back as `RenderResult(ok=False, error=...)`, and
  the browser is restarted when it died.

Introspection: before loading, every start tag gets a `data-tvs-line` attribute with its source line (inserted on
the same line, so line numbers do not move). In the page, a walker collects each visible element's box, its own
text and the extent of that text (a DOM Range, so text overflowing its box is measured), computed colours and
font size. The browser then says, through the Chrome DevTools Protocol (`CSS.getMatchedStylesForNode`), which
author CSS rules matched each element; their lines are credited too. Low contrast comes from axe-core's
`color-contrast` rule (the axe.min.js that `axe-playwright-python` ships) where axe-core gives a verdict; texts it
cannot judge (on a background image, a gradient, under another element's box) or does not check are measured on the
pixels: a second screenshot with every glyph hidden shows what each text is drawn on. The walker and axe-core run
in an isolated JavaScript world, so a page cannot fake its measurements (and with them its rewards) by patching the
DOM API.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from concurrent.futures import Future
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, ClassVar, Sequence

from trl_visual_sdpo.defects import find_defects, glyph_contrast, required_contrast
from trl_visual_sdpo.render.browser import Browser
from trl_visual_sdpo.results import Element, RenderResult
from trl_visual_sdpo.rubric import rubric_scores


PAGE_URL = "http://page.invalid/"
"""The fake origin a page is served from (`.invalid` never resolves)."""
LINE_ATTRIBUTE = "data-tvs-line"
ID_ATTRIBUTE = "data-tvs-id"


@dataclass
class WebRenderConfig:
    """How pages are rendered."""

    viewport_width: int = 1280
    viewport_height: int = 800
    max_page_height: int = 4000
    """Screenshots are cut at this height (pixels)."""
    timeout_s: float = 15.0
    """Wall-clock seconds one page may take: loading, scripts, introspection and the screenshot."""
    settle_ms: int = 150
    """Time scripts get after the load event before the page is measured."""
    max_html_chars: int = 2_000_000
    max_elements: int = 1500
    """Elements introspected per page (in document order); a bigger DOM is rendered but not fully traced."""
    concurrency: int = 2
    """Pages rendered at once in the warm browser."""
    chromium_path: str | None = None
    """Browser executable: Playwright's own Chromium when installed, else this, `$TVS_CHROMIUM` or the system
    `chromium`."""
    isolation: str = "auto"
    """`"auto"`/`"bwrap"`: the browser runs without network in bubblewrap (an error naming the fix where bubblewrap
    cannot run); `"none"`: an explicit opt-out to request interception alone, which warns."""
    js_heap_mb: int = 512
    """JavaScript heap per tab (MB): a page that allocates without end crashes its own tab at this size instead of
    exhausting the machine's memory."""


def annotate_source(html: str) -> str:
    """Insert `data-tvs-line="FIRST-LAST"` (the lines the start tag spans) into every start tag, on the tag's first
    line, so source line numbers stay the same."""

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tags: list[tuple[int, int, int]] = []  # (line, column just after the tag name, last line)

        def handle_starttag(self, tag, attrs):
            line, column = self.getpos()
            raw = self.get_starttag_text() or ""
            if raw.startswith("<") and tag not in ("html", "head", "meta", "title", "script", "style", "link"):
                self.tags.append((line, column + 1 + len(tag), line + raw.count("\n")))

        handle_startendtag = handle_starttag

    parser = Tags()
    parser.feed(html)
    parser.close()
    lines = html.split("\n")  # the parser counts lines by "\n" only
    for line, column, last in sorted(parser.tags, reverse=True):  # right to left keeps earlier offsets valid
        text = lines[line - 1]
        lines[line - 1] = f'{text[:column]} {LINE_ATTRIBUTE}="{line}-{last}"{text[column:]}'
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _walker_source() -> str:
    """The page walker (`page_walker.js`, shipped in the package): what is visible, where, and in which style."""
    from importlib.resources import files

    return files("trl_visual_sdpo.render").joinpath("page_walker.js").read_text(encoding="utf-8")


# Runs in the page after axe: our element id of each axe target.
_AXE_TARGETS = """
([targets, idAttr]) => targets.map(t => {
  try { const el = document.querySelector(t); return el ? el.getAttribute(idAttr) : null; }
  catch (e) { return null; }
})
"""


def _hex(css_color: str) -> str | None:
    """`rgb(a)(r, g, b[, a])` -> `#rrggbb` (alpha ignored: the background walk already skipped transparent)."""
    if not css_color or not css_color.startswith("rgb"):
        return None
    parts = css_color[css_color.index("(") + 1 : css_color.index(")")].replace("/", ",").split(",")
    try:
        r, g, b = (int(float(p)) for p in parts[:3])
    except ValueError:
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


class WebRenderer:
    """The web domain: HTML pages -> `RenderResult`s, rendered in one warm, network-less headless Chromium.

    Args:
        config: viewport, limits, concurrency and which browser to use.
    """

    domain = "web"
    code_languages = ("html",)
    # What to change for each defect kind, in CSS terms (VisualSDPOConfig.repair_hints).
    repair_hints: ClassVar[dict[str, str]] = {
        "text_overlap": "Let the elements flow instead of stacking them: drop absolute positions, negative margins "
                        "and fixed heights; lay them out with flexbox or grid and a `gap`.",
        "data_overlap": "Give the text its own box beside the image or content it covers, not on top of it.",
        "clipped_text": "Give the box room for its text: drop the fixed `height`/`width` or `overflow: hidden`.",
        "overflow": "Let the text wrap or the box grow: no fixed width or height, `overflow-wrap: anywhere`.",
        "out_of_canvas": "Keep it within the page: relative widths and `max-width: 100%`, no large fixed widths or "
                         "negative offsets.",
        "low_contrast": "Raise the contrast between the text `color` and its `background` (at least 4.5:1).",
        "small_text": "Use a larger `font-size` (at least 12px).",
    }

    def __init__(self, config: WebRenderConfig | None = None):
        self.config = config or WebRenderConfig()
        self.browser = Browser(self.config.chromium_path, self.config.isolation, (
            "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio",
            f"--js-flags=--max-old-space-size={self.config.js_heap_mb}"))
        self.isolation = self.browser.isolation
        self._semaphore: asyncio.Semaphore | None = None
        self.browser_restarts = 0
        """Pages re-rendered because the browser died under them (our failure, not the page's)."""

    # ------------------------------------------------------------------ pages, on the browser's loop

    async def _render_async(self, html: str) -> RenderResult:
        start = time.perf_counter()
        if len(html) > self.config.max_html_chars:
            return RenderResult.failure(
                f"The page is {len(html):,} characters long, over the {self.config.max_html_chars:,} limit. "
                "Write a smaller page (no huge inline images or data).", code=html)
        if self._semaphore is None:  # made on the loop's thread, where every page coroutine runs
            self._semaphore = asyncio.Semaphore(self.config.concurrency)
        async with self._semaphore:
            result, browser_died = await self._render_attempt(html, start)
            if browser_died:  # the browser (not just the page's tab) went away: ours to retry, once
                self.browser_restarts += 1
                result, browser_died = await self._render_attempt(html, start)
                if browser_died:
                    return RenderResult.failure(
                        f"The browser died twice while rendering the page ({result.error}); this is an "
                        "infrastructure failure, not the page's.", code=html, seconds=time.perf_counter() - start,
                        infra=True)
        return result

    async def _render_attempt(self, html: str, start: float) -> tuple[RenderResult, bool]:
        """One try at a page, and whether the browser itself died (then the page is not to blame)."""
        try:
            browser = await self.browser.ready()
        except FileNotFoundError:
            raise
        except Exception as error:
            return RenderResult.failure(f"The browser did not start: {_first_line(error)}", code=html), True
        context = None
        try:
            context = await browser.new_context(
                viewport={"width": self.config.viewport_width, "height": self.config.viewport_height},
                accept_downloads=False, service_workers="block",
            )
            value = await asyncio.wait_for(self._load_and_measure(context, html), self.config.timeout_s)
        except asyncio.TimeoutError:
            return RenderResult.failure(
                f"The page did not finish loading and drawing within {self.config.timeout_s:.0f} s (an endless "
                "script loop, or a page too big to lay out). Remove long-running JavaScript.",
                code=html, seconds=time.perf_counter() - start), False
        except Exception as error:  # a crashed tab (the page's doing) or a dead browser (ours): the next page
            died = not browser.is_connected()  # gets a fresh browser
            if died:
                await self.browser.discard()
            return RenderResult.failure(_failure_message(error, self.config), code=html,
                                        seconds=time.perf_counter() - start), died
        finally:
            if context is not None:
                await self._close(context)
        return _to_result(html, value, self.config, time.perf_counter() - start), False

    async def _close(self, context) -> None:
        try:
            await asyncio.wait_for(context.close(), 5)
        except Exception:  # a tab stuck in a script loop: restart the browser rather than wait
            await self.browser.discard()

    async def _load_and_measure(self, context, html: str) -> dict:
        served = {"page": False}
        blocked: list[str] = []

        async def route(request_route):
            request = request_route.request
            main_frame = request.is_navigation_request() and _is_main_frame(request, page)
            if main_frame and request.url == PAGE_URL and not served["page"]:
                served["page"] = True
                await request_route.fulfill(body=annotate_source(html), content_type="text/html; charset=utf-8")
                return
            blocked.append(request.url)
            if main_frame:  # a refresh or redirect: "204 No Content" keeps the page where it is
                await request_route.fulfill(status=204)
            else:
                await request_route.abort("blockedbyclient")

        page = await context.new_page()
        await context.route("**/*", route)
        page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))  # window.open
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))  # alert() would block
        cdp = await context.new_cdp_session(page)
        sheets: dict[str, int] = {}  # style sheet id -> its first line in the page's source
        cdp.on("CSS.styleSheetAdded", lambda event: _record_sheet(sheets, event["header"]))
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        await page.goto(PAGE_URL, wait_until="load")
        await page.wait_for_timeout(self.config.settle_ms)
        world = await _isolated_world(cdp)  # the page's scripts cannot reach what runs there
        walked = await _call(cdp, world, _walker_source(), [self.config.max_elements, ID_ATTRIBUTE, LINE_ATTRIBUTE])
        rule_lines = await _matched_rule_lines(cdp, sheets, len(walked["elements"]))
        await cdp.send("Runtime.evaluate", {"expression": _axe_source(), "contextId": world})
        axe = await _call(cdp, world, "options => axe.run(document, options)",
                          {"runOnly": {"type": "rule", "values": ["color-contrast"]},
                           "resultTypes": ["violations", "passes"]})
        contrast, judged = await _contrast_findings(cdp, world, axe)
        height = min(max(walked["height"], self.config.viewport_height), self.config.max_page_height)
        clip = {"x": 0, "y": 0, "width": self.config.viewport_width, "height": height}
        png = await page.screenshot(full_page=True, clip=clip)
        unjudged = [item["id"] for item in walked["elements"] if item["text"] and item["id"] not in judged]
        without_text = None
        if unjudged:  # the same page with every glyph hidden: what those texts are drawn on, pixel by pixel
            without_text = await _screenshot_without_glyphs(cdp, world, page, clip)
        return {"walked": walked, "rule_lines": rule_lines, "contrast": contrast, "unjudged": unjudged, "png": png,
                "without_text_png": without_text, "size": (self.config.viewport_width, height), "blocked": blocked}

    # ------------------------------------------------------------------ the Renderer protocol

    def render(self, code: str) -> RenderResult:
        """Render one HTML page. A page that fails comes back as `ok=False` with the reason in `error`."""
        return self.render_batch([code])[0]

    def render_batch(self, codes: Sequence[str]) -> list[RenderResult]:
        """Render pages, `config.concurrency` at a time in the warm browser, in the order given. Never raises for
        a page; only a missing browser (a setup problem) raises `FileNotFoundError`."""
        futures: list[Future] = [self.browser.submit(self._render_async(code)) for code in codes]
        results = []
        for code, future in zip(codes, futures):
            try:
                results.append(future.result(timeout=self.config.timeout_s * (len(codes) + 2) + 60))
            except Exception as error:  # never raise into the trainer
                if isinstance(error, FileNotFoundError):  # no browser at all: the user must act, say so
                    raise
                results.append(RenderResult.failure(f"The page could not be rendered: {_first_line(error)}",
                                                    code=code))
        return results

    def close(self) -> None:
        """Stop the browser and its thread. The renderer can be used again afterwards (it starts a new browser)."""
        self.browser.close()
        self._semaphore = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _failure_message(error: BaseException, config: WebRenderConfig) -> str:
    """What to tell the model when the browser failed on a page."""
    if "crash" in str(error).lower():
        return (f"The page crashed its browser tab ({_first_line(error)}), usually by using too much memory (the "
                f"JavaScript heap limit is {config.js_heap_mb} MB). Avoid unbounded loops that allocate.")
    return f"The browser could not render the page: {_first_line(error)}"


def _is_main_frame(request, page) -> bool:
    try:
        return request.frame == page.main_frame
    except Exception:  # the request of a pop-up being opened has no frame yet: not our page
        return False


def _record_sheet(sheets: dict[str, int], header: dict) -> None:
    """Keep the `<style>` blocks of the page's source: a sheet a script made (not inline, or no source URL) has no
    source lines to credit."""
    if header.get("isInline") and header.get("sourceURL") == PAGE_URL:
        sheets[header["styleSheetId"]] = int(header.get("startLine", 0))


async def _matched_rule_lines(cdp, sheets: dict[str, int], count: int) -> list[list[int]]:
    """Per walked element (document order), the 1-based lines of the author CSS rules the browser matched."""
    document = await cdp.send("DOM.getDocument", {"depth": 0})
    found = await cdp.send("DOM.querySelectorAll", {"nodeId": document["root"]["nodeId"],
                                                    "selector": f"[{ID_ATTRIBUTE}]"})
    node_ids = found["nodeIds"][:count]
    # All requests at once: one round trip per element, sent one after another, made big pages time out.
    answers = await asyncio.gather(*(cdp.send("CSS.getMatchedStylesForNode", {"nodeId": n}) for n in node_ids))
    lines_per_node = []
    for matched in answers:
        lines: set[int] = set()
        for match in matched.get("matchedCSSRules", []):
            rule = match["rule"]
            if rule.get("origin") != "regular" or rule.get("styleSheetId") not in sheets:
                continue
            offset = sheets[rule["styleSheetId"]]
            selector_range = (rule.get("selectorList", {}).get("selectors") or [{}])[0].get("range")
            style_range = rule.get("style", {}).get("range")
            first = (selector_range or style_range or {}).get("startLine")
            last = (style_range or selector_range or {}).get("endLine", first)
            if first is not None:
                lines.update(range(offset + first + 1, offset + last + 2))
        lines_per_node.append(sorted(lines))
    return lines_per_node


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    """axe-core's axe.min.js, as shipped inside the `axe-playwright-python` package."""
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


async def _isolated_world(cdp) -> int:
    """An isolated JavaScript world in the page's main frame (as browser extensions get): it shares the DOM but not
    the page's globals, so a page that replaces `getComputedStyle` or `getBoundingClientRect` cannot hide its
    defects from the measurements made there."""
    tree = await cdp.send("Page.getFrameTree")
    world = await cdp.send("Page.createIsolatedWorld", {"frameId": tree["frameTree"]["frame"]["id"],
                                                        "worldName": "trl-visual-sdpo"})
    return world["executionContextId"]


async def _call(cdp, world: int, function: str, argument: Any) -> Any:
    """`function(argument)` in the isolated world, awaited, its JSON-able result returned."""
    answer = await cdp.send("Runtime.evaluate", {
        "expression": f"({function})({json.dumps(argument)})", "contextId": world, "returnByValue": True,
        "awaitPromise": True})
    if "exceptionDetails" in answer:
        details = answer["exceptionDetails"]
        raise RuntimeError(details.get("exception", {}).get("description") or details.get("text", "script error"))
    return answer["result"].get("value")


async def _contrast_findings(cdp, world: int, axe_response: dict) -> tuple[dict[str, dict], set[str]]:
    """Our element id -> axe-core's measured contrast for each `color-contrast` violation, and the ids of every
    element axe-core gave a verdict on (passed or violated). Texts it could not judge ("incomplete": on a
    background image, a gradient, under another element's box) or did not check are measured on the screenshot."""
    verdicts = [(kind, node) for kind in ("violations", "passes") for rule in axe_response.get(kind, [])
                for node in rule.get("nodes", [])]
    targets = [node["target"][0] if node.get("target") else "" for _, node in verdicts]
    ids = await _call(cdp, world, _AXE_TARGETS, [targets, ID_ATTRIBUTE]) if targets else []
    findings, judged = {}, set()
    for element_id, (kind, node) in zip(ids, verdicts):
        if not element_id:
            continue
        data = next((check.get("data") for check in node.get("any", []) if check.get("data")), None) or {}
        if kind == "passes":
            judged.add(element_id)
        elif data.get("contrastRatio"):
            judged.add(element_id)
            findings[element_id] = {"ratio": float(data["contrastRatio"]),
                                    "required": float(str(data.get("expectedContrastRatio", "4.5")).split(":")[0])}
    return findings, judged


HIDE_GLYPHS_CSS = ("*, *::before, *::after, *::placeholder, *::marker { -webkit-text-fill-color: transparent "
                   "!important; }")
"""Hides every glyph's fill and nothing else (no layout change; borders, text shadows and decorations that
follow `color` stay), for the screenshot of what texts are drawn on."""

_NEXT_FRAMES = "() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))"


async def _screenshot_without_glyphs(cdp, world: int, page, clip: dict) -> bytes:
    """The page's screenshot with every glyph hidden (`HIDE_GLYPHS_CSS`). The rule goes in through the DevTools
    protocol's inspector style sheet, not as a `<style>` element: a page watching its DOM (a MutationObserver)
    removed an added element before the shot and so hid its faint text from the measurement."""
    tree = await cdp.send("Page.getFrameTree")
    sheet = (await cdp.send("CSS.createStyleSheet", {"frameId": tree["frameTree"]["frame"]["id"]}))["styleSheetId"]
    await cdp.send("CSS.setStyleSheetText", {"styleSheetId": sheet, "text": HIDE_GLYPHS_CSS})
    try:
        await _call(cdp, world, _NEXT_FRAMES, None)
        return await page.screenshot(full_page=True, clip=clip)
    finally:
        await cdp.send("CSS.setStyleSheetText", {"styleSheetId": sheet, "text": ""})


def _to_result(html: str, value: dict, config: WebRenderConfig, seconds: float) -> RenderResult:
    """What the page gave (walked elements, matched rule lines, axe findings, screenshot) -> a `RenderResult`: a
    box per visible element, plus a text element for the element's own text (its visible line boxes), and the
    shared defect checks over them."""
    walked, rule_lines, contrast = value["walked"], value["rule_lines"], value["contrast"]
    items = walked["elements"]
    measured = _pixel_contrast(items, set(value.get("unjudged") or ()), value["png"], value.get("without_text_png"))
    elements: list[Element] = []
    source_lines = html.count("\n") + 1
    parents = {item["id"]: item["parent"] for item in items}
    # positioned elements are laid out on their own (block-ified), so each is a block of its own
    blocks = {item["id"] for item in items if item["block"] or item.get("position") in ("absolute", "fixed")}
    for item, css_lines in zip(items, rule_lines + [[]] * len(items)):
        lines = sorted(n for n in {*_tag_lines(item["lines"]), *css_lines} if n <= source_lines)
        colors = {k: v for k, v in (("color", _hex(item["color"])), ("background", _hex(item["background"])))
                  if v}
        common = dict(colors=colors, lines=lines)
        ancestors = _ancestors(item["id"], parents)
        # Edges a person can line up: a block in the flow that draws something (a card, a button, an image) or
        # holds text; inline runs of a paragraph and invisible wrappers have no edges to align.
        align = item["block"] and item.get("position") not in ("absolute", "fixed") and (
            item.get("paints", True) or bool(item["text"]))
        box = Element(id=item["id"], kind="box", bbox=tuple(item["box"]), **common,
                      meta={"tag": item["tag"], "parent": item["parent"], "clips": item["clips"],
                            "scrolls": item.get("scrolls", False), "paints": item.get("paints", True),
                            "ancestors": ancestors, "align": align})
        elements.append(box)
        rects = [tuple(r) for r in item.get("textRects") or []]
        if item["text"] and rects:
            meta = {"tag": item["tag"], "parent": item["parent"], "contrast_audited": True, "owner": item["id"],
                    "ancestors": ancestors, "block": _block_of(item["id"], parents, blocks), "rects": rects,
                    "extent": tuple(item["textFull"]), "ellipsis": item.get("ellipsis", False),
                    "background": colors.get("background"), "font_pt": item["fontSize"] * 0.75,
                    "bold": item["fontWeight"] >= 700}
            if item["block"]:  # an inline element's box is its text's box: nothing to overflow
                meta["container"] = item["id"]
            if item["id"] in contrast:
                meta["contrast"] = contrast[item["id"]]
            elif item["id"] in measured:
                (ratio, under), alpha = measured[item["id"]], _alpha(item["color"]) * item.get("opacity", 1.0)
                meta["contrast"] = {"ratio": round(ratio, 3), "source": "pixels",
                                    "required": required_contrast(meta["font_pt"], meta["bold"])}
                meta["background"] = under
                if alpha < 1:
                    meta["text_alpha"] = round(alpha, 3)
            bbox = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects),
                    max(r[3] for r in rects))
            elements.append(Element(id=f"{item['id']}:text", kind="text", bbox=bbox, text=item["text"],
                                    font_size=item["fontSize"], **common, meta=meta))
    size = tuple(value["size"])
    defects = find_defects(elements, (config.viewport_width, max(size[1], int(walked["height"]))))
    return RenderResult(ok=True, image_png=value["png"], size=size, elements=elements, defects=defects,
                        rubric=rubric_scores(True, defects), seconds=seconds, code=html,
                        meta={"page_width": walked["width"], "page_height": walked["height"],
                              "blocked_requests": value["blocked"]})


def _alpha(css_color: str) -> float:
    """The alpha of a computed CSS colour (`rgba(r, g, b, a)` or `rgb(r g b / a)`), 1 when it has none."""
    if not css_color or "(" not in css_color:
        return 1.0
    parts = css_color[css_color.index("(") + 1 : css_color.rindex(")")].replace("/", ",").replace(" ", ",")
    values = [p for p in parts.split(",") if p]
    try:
        return max(0.0, min(1.0, float(values[3].rstrip("%")) / (100 if values[3].endswith("%") else 1)))
    except (IndexError, ValueError):
        return 1.0


def _png_pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def _pixel_contrast(items: list[dict], unjudged: set[str], png: bytes, without_text_png: bytes | None
                    ) -> dict[str, tuple[float, str]]:
    """Element id -> (contrast, background colour) measured on the screenshot for the texts axe-core gave no
    verdict on: each text's colour (with its alpha and opacity) against the pixels under its glyphs in the
    screenshot taken with every glyph hidden (`glyph_contrast`). Not measured: texts below the screenshot's cut,
    texts whose glyphs changed no pixel (not drawn yet), and icon-font glyphs and symbols without a letter or
    digit, which are not text (axe-core leaves private-use icon glyphs unjudged as well)."""
    if not unjudged or not without_text_png:
        return {}
    image, without_text = _png_pixels(png), _png_pixels(without_text_png)
    if image.shape != without_text.shape:  # the page changed its size between the two shots: no measurement
        return {}
    out = {}
    for item in items:
        color = _hex(item["color"])
        if item["id"] not in unjudged or not color or not item.get("textRects"):
            continue
        if not any(character.isalnum() for character in item["text"] or ""):  # an icon glyph, a bullet, a bar
            continue
        alpha = _alpha(item["color"]) * item.get("opacity", 1.0)
        if alpha < 0.05:  # `color: transparent`: the glyphs show something else (`background-clip: text`)
            continue
        found = glyph_contrast(image, without_text, item["textRects"], color, alpha)
        if found is not None:
            out[item["id"]] = found
    return out


def _block_of(element_id: str, parents: dict[str, str | None], blocks: set[str]) -> str | None:
    """The nearest block in the flow at or above `element_id`: inline runs (an <em> in a <p>) share their
    paragraph's block, and texts of one block are laid out by the browser not to collide."""
    current: str | None = element_id
    while current is not None and current not in blocks:
        current = parents.get(current)
    return current


def _tag_lines(annotation: str | None) -> range:
    """`"FIRST-LAST"` from the line attribute -> those lines; nothing for elements scripts made (no attribute) or
    whose attribute a script forged."""
    try:
        first, last = (int(n) for n in (annotation or "").split("-"))
    except ValueError:
        return range(0)
    return range(first, min(last, first + 50) + 1) if first > 0 else range(0)


def _ancestors(element_id: str, parents: dict[str, str | None]) -> list[str]:
    """Ids of the walked elements `element_id` is nested in, innermost first."""
    chain, current = [], parents.get(element_id)
    while current:
        chain.append(current)
        current = parents.get(current)
    return chain
