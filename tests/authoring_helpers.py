"""Reading a staff page's form as a browser would submit it, for the authoring tests."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    """The fields of the first <form> whose action ends with `action`: text, hidden, number and
    date inputs, ticked boxes, text areas and each select's chosen option (no buttons, nothing
    disabled)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("action") or "").endswith(self.action):
            self.inside = True
        if not self.inside:
            return
        if "disabled" in a:
            return  # a browser sends no disabled field
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button") and a.get("name"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "form":
            self.inside, self.done = False, True


def read_form(html: str, action: str) -> MultiDict:
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.done, f"no form posting to …{action}"
    return MultiDict(reader.fields)


def replace(form: MultiDict, **values) -> MultiDict:
    """The form with fields set (a list sets a multi-valued field, None removes it)."""
    for name, value in values.items():
        name = name.replace("__", ".")
        form.poplist(name)
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            form.add(name, v)
    return form
