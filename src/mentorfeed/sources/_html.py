"""Mastodon's status HTML as plain text, with the hashtags, mentions and links it carries.

The "RE: <link>" that a quote post carries for software that cannot show quotes (Mastodon 4.4
and later mark it `class="quote-inline"`) is left out: the quote itself is recorded as `quote_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from mentorfeed.sources._common import protect_bare_ampersands

_BLOCKS = {"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "template"}
_QUOTE_FALLBACK = "quote-inline"


@dataclass(slots=True)
class HtmlText:
    text: str
    hashtags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hashtags: list[str] = []
        self.links: list[str] = []
        self._anchor: tuple[str, str] | None = None  # (kind, href) of the open <a>
        self._anchor_text: list[str] = []
        self._skip = 0
        self._fallback: tuple[str, int] | None = None  # (tag, depth) of the quote's "RE: link"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._fallback:
            name, depth = self._fallback
            self._fallback = (name, depth + (tag == name))
        elif _QUOTE_FALLBACK in (dict(attrs).get("class") or "").split():
            self._fallback = (tag, 1)
        elif tag in _SKIP:
            self._skip += 1
        elif tag == "br":
            self._emit("\n")
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag == "a":
            values = dict(attrs)
            classes = (values.get("class") or "").split()
            href = values.get("href") or ""
            kind = "hashtag" if "hashtag" in classes else "mention" if "mention" in classes \
                else "link"
            self._anchor, self._anchor_text = (kind, href), []

    def handle_endtag(self, tag: str) -> None:
        if self._fallback:
            name, depth = self._fallback
            left = depth - (tag == name)
            self._fallback = (name, left) if left else None
            if left or tag not in _BLOCKS:
                return
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag == "a" and self._anchor:
            kind, href = self._anchor
            shown = "".join(self._anchor_text)
            self._anchor = None
            if kind == "hashtag":
                self.hashtags.append(shown.lstrip("#"))
                self.parts.append(shown)
            elif kind == "link" and href.startswith(("http://", "https://")):
                self.links.append(href)
                self.parts.append(href)  # the visible text is shortened with hidden spans
            else:
                self.parts.append(shown)

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._fallback:
            self._emit(data)

    def _emit(self, text: str) -> None:
        (self._anchor_text if self._anchor else self.parts).append(text)

    def _paragraph(self) -> None:
        if self.parts and not "".join(self.parts[-2:]).endswith("\n\n"):
            self.parts.append("\n\n")


def html_to_text(markup: str) -> HtmlText:
    """Paragraphs become blank lines, <br> a newline, links their full address."""
    if "<" not in markup and "&" not in markup:
        return HtmlText(markup.strip())
    converter = _Converter()
    # HTMLParser decodes `&reg` in an unescaped `href="...?x=1&region=us"` (some servers do not
    # escape `&` in links): keep such runs literal, as a browser does in attribute values.
    converter.feed(protect_bare_ampersands(markup))
    converter.close()
    text = "".join(converter.parts).strip()
    return HtmlText(text, converter.hashtags, converter.links)
