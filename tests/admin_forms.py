"""Read an admin change form as a browser would send it, to post it back in tests."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse


class _ChangeForm(HTMLParser):
    """The fields a browser would send from the admin's change form."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, list[str], list[str]] | None = None  # name, chosen, first
        self._textarea: str | None = None
        self._multiple = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "__prefix__" in (a.get("name") or ""):
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            name, chosen, first = self._select
            if not first:
                first.append(a.get("value", ""))
            if "selected" in a:
                chosen.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.data[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, chosen, first = self._select
            # A multiple select with nothing chosen sends nothing; a single one its first.
            self.data[name] = chosen if self._multiple else chosen or first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def change_form(client: Client, obj) -> dict[str, list[str]]:
    """Open ``obj``'s admin change page and read its form as a browser would send it."""
    opts = obj._meta
    response = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200
    return read_form(response, obj)


def read_form(response, obj) -> dict[str, list[str]]:
    parser = _ChangeForm(f"{obj._meta.model_name}_form")
    parser.feed(response.content.decode())
    return parser.data


def inline_row(data: dict[str, list[str]], prefix: str, pk: int) -> str:
    """The form prefix (e.g. "values-0") of the inline row showing object ``pk``."""
    for name, values in data.items():
        if name.startswith(prefix + "-") and name.endswith("-id") and values == [str(pk)]:
            return name.removesuffix("-id")
    raise AssertionError(f"no {prefix} row for {pk}")
