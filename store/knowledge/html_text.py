"""The article of a department portal page saved from a browser ("Save page as", .html/.htm).

Portals restate a directive as a news article wrapped in menus, a sidebar of other news, share
buttons, a cookie banner and a footer with the department's own phone numbers. Only the article may
reach the parser: a footer hotline or a "related news" date would become a wrong answer.

How the article is found, in order (readability-style, lxml only):
1. drop what is never content (scripts, styles, forms' controls, hidden elements), then navigation,
   asides and footers, then elements whose class/id says menu, sidebar, share, cookie, related… —
   unless they hold the headline or most of the page's text;
2. take the <article>, else the element whose class/id says content/detail/noidung/chitiet…, else
   <main>, else the block that collects the most paragraph text with the fewest links;
3. write headings, paragraphs, list items ("- ", or "1." in a numbered list), table rows
   ("a | b") and <br> breaks as lines, headline first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

import lxml.etree
import lxml.html

NEVER_CONTENT = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
                 "button", "select", "input", "textarea", "link", "meta", "canvas", "map")  # fmt: skip
JUNK_TAGS = ("nav", "aside", "footer", "dialog")
JUNK_WORDS = {
    "menu", "menus", "nav", "navbar", "navigation", "sidebar", "sidebox", "footer", "breadcrumb",
    "breadcrumbs", "share", "sharing", "social", "addthis", "sharethis", "cookie", "cookies",
    "consent", "gdpr", "banner", "related", "comment", "comments", "advert", "ads", "adv",
    "advertisement", "tags", "tag", "pagination", "pager", "popup", "modal", "login", "search",
    "widget", "toolbar", "rating", "topbar", "header", "masthead", "logo", "weather",
}  # fmt: skip
JUNK_JOINED = ("lienquan", "tinkhac", "binhluan", "quangcao", "xemthem", "othernews", "morenews",
               "tinmoi", "tinnoibat", "dangnhap", "timkiem", "chiase")  # fmt: skip
# Not "body", "text", "post" alone: Bootstrap's card-body and text-center are everywhere.
CONTENT_WORDS = {"content", "detail", "details", "article", "entry", "story", "fulltext",
                 "noidung", "chitiet"}  # fmt: skip
CONTENT_JOINED = ("noidung", "chitiet", "articlebody", "newsdetail", "newscontent", "postcontent",
                  "entrycontent", "contentdetail", "detailcontent", "maincontent")  # fmt: skip
BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "blockquote", "pre", "ul", "ol",
              "dl", "dt", "dd", "figure", "figcaption", "table", "thead", "tbody", "tfoot",
              "address", "center", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "fieldset"}  # fmt: skip
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
DMY_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
SAVED_FROM_RE = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.IGNORECASE)


@dataclass
class HtmlArticle:
    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)


def decode_html(content: bytes) -> str:
    """Bytes to text: a BOM, then the page's meta charset, then UTF-8, then Windows-1258."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    declared = CHARSET_RE.search(content[:8192])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in [*candidates, "utf-8"]:
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1258", errors="replace")


def _words(element: Any) -> tuple[set[str], str]:
    """Tokens of an element's class and id ("box-related_news" → box, related, news) and joined."""
    raw = f"{element.get('class', '')} {element.get('id', '')}".lower()
    tokens = set(re.split(r"[\s\-_]+", raw)) - {""}
    return tokens, re.sub(r"[\s\-_]+", "", raw)


def _is_junk_name(element: Any) -> bool:
    tokens, joined = _words(element)
    return bool(tokens & JUNK_WORDS) or any(word in joined for word in JUNK_JOINED)


def _is_content_name(element: Any) -> bool:
    tokens, joined = _words(element)
    if tokens & JUNK_WORDS or any(word in joined for word in JUNK_JOINED):
        return False
    return bool(tokens & CONTENT_WORDS) or any(word in joined for word in CONTENT_JOINED)


def _text_length(element: Any) -> int:
    return len(" ".join(element.text_content().split()))


def _link_length(element: Any) -> int:
    return sum(_text_length(link) for link in element.iter("a"))


def _hidden(element: Any) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (
        element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _drop(element: Any) -> None:
    """Remove an element but keep its tail text (the words after it belong to the parent)."""
    element.drop_tree()


def headline_h1s(root: Any) -> list[Any]:
    """h1 elements that read as a headline: not the site logo (a link) and not a stub."""
    return [h1 for h1 in root.iter("h1") if _text_length(h1) >= 10 and _link_density(h1) < 0.5]


def _strip_junk(root: Any) -> None:
    """Remove what is never the article; keep anything holding the headline or most of the text."""
    headlines = headline_h1s(root)
    for element in list(root.iter(*NEVER_CONTENT)):
        _drop(element)
    for element in list(root.iter(lxml.etree.Comment)):
        _drop(element)
    body = root.find("body") if root.find("body") is not None else root
    total = max(1, _text_length(body))
    for element in list(body.iter()):
        if element.getparent() is None or not isinstance(element.tag, str):
            continue
        if element.tag in ("body", "html"):
            continue
        junk = _hidden(element) or element.tag in JUNK_TAGS or _is_junk_name(element)
        if element.tag == "header":
            junk = True
        if not junk:
            continue
        holds_headline = any(h1 is element or element in h1.iterancestors() for h1 in headlines)
        holds_article = element.find(".//article") is not None
        if element.tag == "header" and holds_headline:
            continue
        if (holds_headline or holds_article) and not _hidden(element):
            continue
        if _text_length(element) > 0.5 * total and not _hidden(element):
            continue
        _drop(element)


def _link_density(element: Any) -> float:
    return _link_length(element) / max(1, _text_length(element))


def _best(elements: list[Any], minimum: int = 200) -> Any | None:
    """The element with the most non-link text, if it has enough and is not a list of links."""
    scored = [
        (_text_length(element) - _link_length(element), element)
        for element in elements
        if _text_length(element) >= minimum and _link_density(element) < 0.5
    ]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _narrowest(element: Any) -> Any:
    """Step down into a content-named child that still holds 80 % of the text (wrapper divs)."""
    while True:
        own = _text_length(element) - _link_length(element)
        inner = [child for child in element.iter() if child is not element
                 and isinstance(child.tag, str) and _is_content_name(child)]  # fmt: skip
        best = _best(inner, minimum=1)
        if best is None or _text_length(best) - _link_length(best) < 0.8 * own:
            return element
        element = best


def _scored_block(body: Any) -> Any:
    """Readability's idea: each paragraph scores its parent (and half its grandparent)."""
    scores: dict[Any, float] = {}
    for paragraph in body.iter("p", "li", "td", "pre", "h2", "h3", "div"):
        if paragraph.tag == "div" and any(child.tag in BLOCK_TAGS for child in paragraph):
            continue
        length = _text_length(paragraph) - _link_length(paragraph)
        if length < 25:
            continue
        points = 1 + min(length / 100, 3) + paragraph.text_content().count(",")
        parent = paragraph.getparent()
        for weight, target in (
            (1.0, parent),
            (0.5, parent.getparent() if parent is not None else None),
        ):
            if target is not None:
                scores[target] = scores.get(target, 0.0) + points * weight
    if not scores:
        return body
    return max(scores, key=lambda element: scores[element] * (1 - _link_density(element)))


def find_article(root: Any) -> Any:
    """The element holding the article (see the module docstring for the order)."""
    body = root.find("body") if root.find("body") is not None else root
    articles = _best(list(body.iter("article")))
    if articles is not None:
        return articles
    named = _best([element for element in body.iter() if isinstance(element.tag, str)
                   and element.tag not in ("body", "html") and _is_content_name(element)])  # fmt: skip
    if named is not None:
        return _narrowest(named)
    main = _best(list(body.iter("main")) + body.xpath(".//*[@role='main']"))
    return main if main is not None else _scored_block(body)


class _Lines:
    """Collects inline text into lines; block elements end a line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.prefix = ""

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)

    def flush(self) -> None:
        line = " ".join("".join(self.buffer).split())
        if line:
            self.lines.append(f"{self.prefix}{line}")
        self.buffer, self.prefix = [], ""


def _inline(element: Any) -> str:
    """All text of a cell or heading on one line."""
    return " ".join(element.text_content().split())


def _walk(element: Any, out: _Lines, list_counter: list[int] | None = None) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        out.flush()
        out.add(element.tail)
        return
    if tag == "tr":
        out.flush()
        cells = [_inline(cell) for cell in element if cell.tag in ("td", "th")]
        out.add(" | ".join(cell for cell in cells if cell))
        out.flush()
        out.add(element.tail)
        return
    if tag in HEADINGS or tag == "h1":
        out.flush()
        text = _inline(element)
        out.add(f"**{text}**" if text and tag in HEADINGS else text)
        out.flush()
        out.add(element.tail)
        return
    block = tag in BLOCK_TAGS or tag == "li"
    if block:
        out.flush()
    if tag == "li":
        if list_counter is not None:
            list_counter[0] += 1
        out.prefix = f"{list_counter[0]}. " if list_counter is not None else "- "
    out.add(element.text)
    counter = [int(element.get("start", "1") or 1) - 1] if tag == "ol" else None
    for child in element:
        if tag in ("ul", "ol"):
            _walk(child, out, counter if tag == "ol" else None)
        else:
            _walk(child, out, None)
    if block:
        out.flush()
    out.add(element.tail)


def article_lines(element: Any) -> list[str]:
    out = _Lines()
    out.add(element.text)
    for child in element:
        _walk(child, out)
    out.flush()
    return out.lines


def _meta(root: Any, *keys: str) -> str:
    for key in keys:
        for node in root.xpath(f"//meta[@property='{key}' or @name='{key}' or @itemprop='{key}']"):
            if value := " ".join((node.get("content") or "").split()):
                return value
    return ""


def _iso(text: str) -> str:
    """An ISO date (yyyy-mm-dd) from an ISO stamp or a Vietnamese dd/mm/yyyy, or ""."""
    if match := ISO_RE.search(text):
        year, month, day = map(int, match.groups())
    elif match := DMY_RE.search(text):
        day, month, year = map(int, match.groups())
    else:
        return ""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _published(root: Any, article: Any, headline: Any | None) -> str:
    stamp = _meta(root, "article:published_time", "datePublished", "pubdate", "publishdate",
                  "date", "dc.date", "DC.date.issued", "og:published_time")  # fmt: skip
    if stamp and (found := _iso(stamp)):
        return found
    around = headline.getparent() if headline is not None else None
    times = [*article.iter("time"), *(around.iter("time") if around is not None else ())]
    for node in times:
        if found := _iso(node.get("datetime") or node.text_content()):
            return found
    near: list[str] = []
    if headline is not None:
        sibling = headline.getnext()
        for _ in range(3):
            if sibling is None:
                break
            near.append(sibling.text_content())
            sibling = sibling.getnext()
        if headline.getparent() is not None:
            near.append(headline.getparent().text_content()[:600])
    near.append(article.text_content()[:400])
    return next((found for text in near if (found := _iso(text))), "")


def _site(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def read_html(content: bytes) -> HtmlArticle:
    """Lines of the article (headline first) and meta: title, site_name, published, url."""
    saved_from = SAVED_FROM_RE.search(content[:4096])
    root = lxml.html.document_fromstring(decode_html(content))
    canonical = next((link.get("href", "") for link in root.iter("link")
                      if "canonical" in (link.get("rel") or "").lower()), "")  # fmt: skip
    url = canonical or _meta(root, "og:url") or (saved_from.group(1).decode() if saved_from else "")
    title_tag = root.find(".//title")
    page_title = " ".join(title_tag.text_content().split()) if title_tag is not None else ""
    og_title = _meta(root, "og:title", "twitter:title")
    site_name = _meta(root, "og:site_name", "application-name") or _site(url)
    _strip_junk(root)
    article = find_article(root)
    inner = [h1 for h1 in headline_h1s(root) if article in h1.iterancestors()]
    candidates = inner or headline_h1s(root)
    headline_node = candidates[0] if candidates else None
    headline = _inline(headline_node) if headline_node is not None else og_title or page_title
    lines = article_lines(article)
    if headline:
        lines = [headline, *(line for line in lines if line.strip("*") != headline)]
    meta = {"title": headline, "site_name": site_name, "url": url}
    meta["published"] = _published(root, article, headline_node)
    return HtmlArticle(lines, {key: value for key, value in meta.items() if value})
