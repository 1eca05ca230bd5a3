"""Lesson Markdown to safe HTML: raw HTML off, then an allow-list sanitiser."""

from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "blockquote",
    "code", "pre", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "class"},  # class: only ever set by us (raw HTML is off)
    "img": {"src", "alt", "title", "loading", "decoding"},
}


UPLOADS_URL_PREFIX = (
    "/uploads/"  # uploaded files ("uploads/<hash>.webp"), see services/content/media.py
)


def _rewrite_media(src: str, media_url_prefix: str) -> str:
    if src.startswith("media/"):
        return media_url_prefix + src.removeprefix("media/")
    if src.startswith("uploads/"):
        return UPLOADS_URL_PREFIX + src.removeprefix("uploads/")
    return src


def media_url(src: str, media_url_prefix: str = "/media/") -> str:
    """The URL a lesson's media path ("media/x.ogg"…) is served at, as in rendered lessons."""
    return _rewrite_media(src, media_url_prefix)


LOCAL_MEDIA = ("media/", "uploads/")


def _alt_text(image: Token) -> Token:
    """An image from elsewhere shown as its description: lesson images come from this site
    only (every learner's phone would fetch it: data cost, and a tracker for whoever hosts it)."""
    alt = "".join(child.content for child in image.children or ())
    return Token("text", "", 0, content=alt)


def _placeholder(image: Token, href: str, label: str) -> list[Token]:
    """A link to the image instead of the image (data-saver mode); its alt text as title."""
    link = Token("link_open", "a", 1, attrs={"href": href, "class": "ph"})
    alt = "".join(child.content for child in image.children or ())
    if alt:
        link.attrSet("title", alt)
    text = Token("text", "", 0, content=f"{label}: {alt}" if alt else label)
    return [link, text, Token("link_close", "a", -1)]


def render(
    markdown_text: str,
    media_url_prefix: str = "/media/",
    image_label: Callable[[str], str] | None = None,
) -> str:
    """Render lesson Markdown; images point into the media folder and load lazily (an image
    from anywhere else is shown as its description).

    With `image_label` (data-saver mode), each image becomes a link to it whose text is
    `image_label(src)` (e.g. "Ảnh 42 KB — bấm để xem") followed by the image's alt text.
    """
    tokens = _md.parse(markdown_text)
    for token in tokens:
        children = []
        for child in token.children or ():
            if child.type == "image":
                original = child.attrGet("src") or ""
                if not original.startswith(LOCAL_MEDIA) or ".." in original.split("/"):
                    children.append(_alt_text(child))
                    continue
                child.attrSet("src", _rewrite_media(original, media_url_prefix))
                child.attrSet("loading", "lazy")
                child.attrSet("decoding", "async")
                if image_label is not None:
                    children += _placeholder(child, child.attrGet("src"), image_label(original))
                    continue
            children.append(child)
        if token.children is not None:
            token.children = children
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
