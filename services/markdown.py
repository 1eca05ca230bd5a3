"""Lesson Markdown to safe HTML: raw HTML off, then an allow-list sanitiser."""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "blockquote",
    "code", "pre", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading", "decoding"},
}


def _rewrite_media(src: str, media_url_prefix: str) -> str:
    if src.startswith("media/"):
        return media_url_prefix + src.removeprefix("media/")
    return src


def render(markdown_text: str, media_url_prefix: str = "/media/") -> str:
    """Render lesson Markdown; images point into the media folder and load lazily."""
    tokens = _md.parse(markdown_text)
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                child.attrSet("src", _rewrite_media(child.attrGet("src") or "", media_url_prefix))
                child.attrSet("loading", "lazy")
                child.attrSet("decoding", "async")
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
