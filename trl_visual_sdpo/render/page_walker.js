// Runs in the page (an isolated world): every visible element, in document order, with the part of its box a
// person can see, its own text and that text's line boxes, and its style. Called as `walker([maxElements,
// idAttr, lineAttr])`; returns {elements, width, height}.
//
// "Visible" is decided here, once, so every defect check downstream sees only what a person sees:
// - display none, visibility hidden, or an effective opacity of 0 (opacity multiplies down the tree, so a faded
//   out container hides its children);
// - the part of a box left after every clipping ancestor (overflow other than visible, CSS `clip`) and the
//   document's own top-left edge (nothing at negative coordinates can be scrolled to: screen-reader-only text at
//   left:-9999px or text-indent:-9999px is hidden on purpose, not cut off);
// - zero size after that (under 2 px either way: 1 x 1 px screen-reader boxes, empty wrappers).
// A box is reported with the part its ancestors' clips leave (`box`) and its whole extent (`fullBox`); text with
// its visible line boxes (`textRects`, after every clip including the element's own) and its whole extent
// (`textFull`), so text cut by its own box or by the page edge is measured, not hidden.
// Absolutely positioned elements escape the clips of ancestors below their containing block, fixed ones escape
// every clip, as in CSS.
([maxElements, idAttr, lineAttr]) => {
  const INF = 1e9;
  const out = [];
  const scrollX = window.scrollX, scrollY = window.scrollY;
  const viewportWidth = document.documentElement.clientWidth || window.innerWidth;
  const page = [0, 0, INF, INF];  // nothing left of or above the document's origin can ever be seen
  const viewport = [scrollX, scrollY, scrollX + viewportWidth, scrollY + window.innerHeight];
  const toPage = r => [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY];
  const meet = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  const sized = (r, least) => r[2] - r[0] >= least && r[3] - r[1] >= least;
  const transparent = c => !c || c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
  const clipsOverflow = s => s.overflowX !== 'visible' || s.overflowY !== 'visible';
  const styles = new Map();
  const style = el => {
    if (!styles.has(el)) styles.set(el, getComputedStyle(el));
    return styles.get(el);
  };

  // The rectangle an element's overflow clip cuts its content to (its padding box), per axis that clips.
  const ownClip = el => {
    const s = style(el);
    if (el === document.body || el === document.documentElement) {
      // overflow on <html>/<body> applies to the viewport: a hidden x-overflow cuts at the window's width
      return [-INF, -INF, s.overflowX === 'visible' ? INF : viewportWidth, INF];
    }
    let clip = [-INF, -INF, INF, INF];
    if (clipsOverflow(s)) {
      const r = el.getBoundingClientRect();
      const box = [r.left + scrollX + el.clientLeft, r.top + scrollY + el.clientTop,
                   r.left + scrollX + el.clientLeft + el.clientWidth, r.top + scrollY + el.clientTop + el.clientHeight];
      if (s.overflowX !== 'visible') { clip[0] = box[0]; clip[2] = box[2]; }
      if (s.overflowY !== 'visible') { clip[1] = box[1]; clip[3] = box[3]; }
    }
    const rect = /rect\(\s*([-\d.]+)px,?\s*([-\d.]+)px,?\s*([-\d.]+)px,?\s*([-\d.]+)px\s*\)/.exec(s.clip || '');
    if (rect && (s.position === 'absolute' || s.position === 'fixed')) {  // clip: rect(top, right, bottom, left)
      const r = el.getBoundingClientRect();
      const [top, right, bottom, left] = rect.slice(1).map(Number);
      clip = meet(clip, [r.left + scrollX + left, r.top + scrollY + top, r.left + scrollX + right,
                         r.top + scrollY + bottom]);
    }
    if (/^inset\(\s*50%/.test(s.clipPath || '')) clip = [0, 0, 0, 0];  // the "visually hidden" idiom
    return clip;
  };

  // The clip that applies to an element's content (its own clip and every applicable ancestor's), memoised.
  const contentClips = new Map();
  const contentClip = el => {
    if (!el) return page;
    if (!contentClips.has(el)) contentClips.set(el, meet(inheritedClip(el), ownClip(el)));
    return contentClips.get(el);
  };
  // The clip an element's own box is under: its containing block's content clip.
  const inheritedClip = el => {
    const position = style(el).position;
    if (position === 'fixed') return viewport;  // it never scrolls: what lies outside the window is never seen
    if (position === 'absolute') return contentClip(el.offsetParent);
    return contentClip(el.parentElement);
  };

  const opacities = new Map();
  const opacity = el => {
    if (!el) return 1;
    if (!opacities.has(el)) opacities.set(el, parseFloat(style(el).opacity) * opacity(el.parentElement));
    return opacities.get(el);
  };

  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = style(e).backgroundColor;
      if (!transparent(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  // Whether the box itself draws something a person sees (so its edges can be off the page or misaligned).
  const paints = (el, s) => !transparent(s.backgroundColor) || s.backgroundImage !== 'none' ||
    s.boxShadow !== 'none' ||
    ['Top', 'Right', 'Bottom', 'Left'].some(side => parseFloat(s['border' + side + 'Width']) > 0 &&
                                                    s['border' + side + 'Style'] !== 'none' &&
                                                    !transparent(s['border' + side + 'Color'])) ||
    ['IMG', 'SVG', 'VIDEO', 'CANVAS', 'IFRAME', 'INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'OBJECT', 'EMBED']
      .includes(el.tagName.toUpperCase());

  // Whether an opaque box drawn above covers the point (page coordinates) where `el`'s text is: a cookie banner
  // over a footer hides the footer's links. Only points inside the window can be hit-tested; elsewhere the text
  // counts as visible. Transparent boxes above (a positioned label without a background) hide nothing: two texts
  // drawn over each other stay visible, and are an overlap.
  const covered = (el, x, y) => {
    const vx = x - scrollX, vy = y - scrollY;
    if (vx < 0 || vy < 0 || vx >= viewportWidth || vy >= window.innerHeight) return false;
    const hit = document.elementFromPoint(vx, vy);
    if (!hit || hit === el || el.contains(hit) || hit.contains(el)) return false;
    for (let e = hit; e && !e.contains(el); e = e.parentElement) {
      const c = style(e).backgroundColor;
      const alpha = /rgba\(.*,\s*([\d.]+)\)$/.exec(c);
      if ((!transparent(c) && (!alpha || parseFloat(alpha[1]) > 0.9)) || e.tagName.toUpperCase() === 'IMG') return true;
    }
    return false;
  };
  // Glyphs do not fill the top of a line box: in common fonts the space above capitals is about 0.18 em (ascent
  // minus cap height). Line boxes are trimmed by it so a huge numeral under a heading does not "overlap" it.
  const INK_TOP_EM = 0.18;

  const all = document.body ? document.body.querySelectorAll('*') : [];
  const ids = new Map();
  let id = 0;
  for (const el of all) {
    if (out.length >= maxElements) break;
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'BR', 'OPTION'].includes(el.tagName.toUpperCase())) continue;
    const s = style(el);
    if (s.display === 'none' || s.visibility === 'hidden' || s.visibility === 'collapse' || opacity(el) <= 0.01) {
      continue;
    }
    const full = toPage(el.getBoundingClientRect());
    const clip = inheritedClip(el);
    const box = meet(full, clip);  // not cut at the page's edge: a box half off the page is a defect to report
    if (!sized(meet(box, page), 2)) continue;
    const texts = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
    let text = null, textRects = [], textFull = null;
    if (texts.length) {
      text = texts.map(n => n.textContent).join(' ').replace(/\s+/g, ' ').trim();
      const rects = [];
      for (const node of texts) {  // the line boxes of the element's own text only (not its children's)
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) rects.push(toPage(r));
      }
      if (rects.length) {
        textFull = [Math.min(...rects.map(r => r[0])), Math.min(...rects.map(r => r[1])),
                    Math.max(...rects.map(r => r[2])), Math.max(...rects.map(r => r[3]))];
        // what of the text is left after its ancestors' clips and its own (a 1 px clipped box shows nothing)
        const shown = meet(clip, ownClip(el));
        const inkTop = INK_TOP_EM * parseFloat(s.fontSize);
        textRects = rects.map(r => meet([r[0], Math.min(r[1] + inkTop, r[3] - 1), r[2], r[3]], shown))
                         .filter(r => sized(r, 2));
        if (!textRects.some(r => sized(meet(r, page), 2))) textRects = [];  // wholly off to the left or top
        if (textRects.length && textRects.every(r => covered(el, (r[0] + r[2]) / 2, (r[1] + r[3]) / 2))) {
          textRects = [];  // under an opaque layer
        }
      }
    }
    let parent = null;  // the nearest walked ancestor (wrappers without a box of their own are skipped)
    for (let e = el.parentElement; e && parent === null; e = e.parentElement) parent = ids.get(e) || null;
    const elementId = 'e' + id++;
    ids.set(el, elementId);
    el.setAttribute(idAttr, elementId);
    out.push({
      id: elementId, tag: el.tagName.toLowerCase(), lines: el.getAttribute(lineAttr),
      box, fullBox: full, parent, clips: ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY),
      scrolls: ['scroll', 'auto'].includes(s.overflowX) || ['scroll', 'auto'].includes(s.overflowY),
      text: textRects.length ? text : null, textRects, textFull: textRects.length ? textFull : null,
      ellipsis: s.textOverflow === 'ellipsis',
      color: s.color, background: background(el), ownBackground: s.backgroundColor, paints: paints(el, s),
      fontSize: parseFloat(s.fontSize), fontWeight: parseInt(s.fontWeight) || 400, opacity: opacity(el),
      block: !s.display.startsWith('inline') || s.display === 'inline-block' || s.display === 'inline-flex' ||
             s.display === 'inline-grid',
      position: s.position,
    });
  }
  const doc = document.documentElement;
  return {elements: out, width: Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0),
          height: Math.max(doc.scrollHeight, document.body ? document.body.scrollHeight : 0),
          viewportWidth};
}
