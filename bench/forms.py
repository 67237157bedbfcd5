"""A form as a browser would post it, read from the page's HTML: what the autosave case sends."""

from __future__ import annotations

import re
from html.parser import HTMLParser

FormData = dict[str, str | list[str]]

# Inputs a browser does not send with the form (a button only names itself when clicked).
_NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    """Collects the fields of the first <form> whose action is `action`, as a browser sends
    them: checked boxes and radios only, each select's chosen option, textareas' text."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.pairs: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []  # (value, selected) of the open select
        self._option_text: list[str] | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._textarea: str | None = None
        self._text: list[str] = []
        # What a person picks from: each radio group's values and each named submit button's.
        self.choices: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: (value or "") for name, value in attrs}
        if tag == "form" and not self.found and attributes.get("action", "") == self.action:
            self.inside = self.found = True
            return
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name", "")
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if name and (kind == "radio" or (tag in ("input", "button") and kind == "submit")):
            self.choices.setdefault(name, []).append(attributes.get("value", ""))
        if tag == "input" and name:
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.pairs.append((name, attributes.get("value") or "on"))
            elif kind not in _NOT_SENT:
                self.pairs.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes)
            self._options = []
        elif tag == "option" and self._select is not None:
            if self._option_text is not None:
                self._option_close()  # the previous option's end tag may be left out
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes
            self._option_text = []
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        elif self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._option_text is not None:
            self._option_close()
        elif tag == "select" and self._select is not None:
            if self._option_text is not None:
                self._option_close()
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]  # a browser submits the first option
            self.pairs.extend((name, value) for value in (chosen if multiple else chosen[:1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the newline that directly follows <textarea>.
            self.pairs.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def _option_close(self) -> None:
        text = "".join(self._option_text or [])
        value = self._option_value if self._option_value is not None else text.strip()
        self._options.append((value, self._option_selected))
        self._option_text = None


def form_choices(html: str, *, action: str) -> dict[str, list[str]]:
    """The choices of the form posting to `action` (see form_as_posted): every radio group's
    values and every named submit button's, by name; LookupError when there is no such form."""
    reader = _FormReader(action)
    reader.feed(html)
    reader.close()
    if not reader.found:
        raise LookupError(f"the page has no form posting to {action}")
    return reader.choices


def form_as_posted(html: str, *, action: str) -> FormData:
    """The fields of the form posting to `action` in `html`, by name (a list where a name is
    sent several times); LookupError when the page has no such form. `action=""` is a form
    without an action, which posts back to its own page."""
    reader = _FormReader(action)
    reader.feed(html)
    reader.close()
    if not reader.found:
        raise LookupError(f"the page has no form posting to {action}")
    data: FormData = {}
    for name, value in reader.pairs:
        if name not in data:
            data[name] = value
        else:
            earlier = data[name]
            data[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
    return data


def swapped_in_value(html: str, *, name: str) -> str | None:
    """The value of the out-of-band input named `name` in an htmx answer (what htmx puts in
    place of the page's input with that id), or None when the answer has none."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and "data-hx-swap-oob" in tag:
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return value.group(1) if value else ""
    return None
