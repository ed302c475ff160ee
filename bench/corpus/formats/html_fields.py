"""What an HTML page says about itself: headline and teaser candidates, language, and site-suffix removal.

:func:`page_fields` reads the parsed page (an lxml tree) for the places a news page names its headline
(``og:title``, the first ``<h1>``, ``<title>``) and its teaser (``og:description``, the meta description,
the lead element: the first ``intro`` / ``lead`` / ``standfirst`` / ``vorspann`` / ``summary`` block outside
links, figures and page furniture). :func:`strip_site_suffix` cuts " | DW | 19.01.2020" or " - BBC News"
off a title; :func:`pick` takes the first usable candidate in the configured order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HEADLINE_SOURCES",
    "STANDFIRST_SOURCES",
    "PageFields",
    "page_fields",
    "strip_site_suffix",
    "site_keys",
    "pick",
    "norm_text",
]

HEADLINE_SOURCES = ("og:title", "h1", "title")
STANDFIRST_SOURCES = ("og:description", "description", "lead")

_LEAD_CLASS = re.compile(r"(?:^|[-_])(intro|lead|standfirst|vorspann|summary|dek|teaser-text)$", re.IGNORECASE)
_FURNITURE = {"a", "aside", "nav", "footer", "figure", "figcaption", "li", "button", "form"}
_LEAD_CHARS = (40, 800)
_DASHES = re.compile(r"\s+[-–—·•]\s+")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_TRUNCATED = ("...", "…")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_GENERIC_LABELS = {"www", "m", "amp", "com", "co", "org", "net", "de", "uk", "news", "online"}


@dataclass
class PageFields:
    """The candidates a page offers (source name -> text), plus its declared language."""

    headlines: dict[str, str] = field(default_factory=dict)
    teasers: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    site_name: str | None = None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _meta(tree: Any, attr: str, value: str) -> str:
    for el in tree.iterfind(f".//meta[@{attr}]"):
        if (el.get(attr) or "").strip().lower() == value:
            content = _clean(el.get("content"))
            if content:
                return content
    return ""


def _first_text(tree: Any, tag: str) -> str:
    for el in tree.iter(tag):
        text = _clean(el.text_content())
        if text:
            return text
    return ""


def _in_furniture(el: Any) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in _FURNITURE for a in el.iterancestors())


def _lead(tree: Any) -> str:
    """The text of the first element whose class marks it as the article's lead, outside page furniture."""
    for el in tree.iter("p", "div", "section", "header"):
        classes = (el.get("class") or "").split()
        if not any(_LEAD_CLASS.search(c) for c in classes) or _in_furniture(el):
            continue
        text = _clean(el.text_content())
        if _LEAD_CHARS[0] <= len(text) <= _LEAD_CHARS[1]:
            return text
    return ""


def _language(tree: Any) -> str | None:
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if not lang:
        lang = _meta(tree, "property", "og:locale") or _meta(tree, "http-equiv", "content-language")
    lang = lang.replace("_", "-").split("-")[0].lower()
    return lang if re.fullmatch(r"[a-z]{2,3}", lang) else None


def page_fields(tree: Any) -> PageFields:
    """The headline and teaser candidates of a parsed page (empty ones left out)."""
    heads = {"og:title": _meta(tree, "property", "og:title"), "h1": _first_text(tree, "h1")}
    title = tree.find(".//title")
    heads["title"] = _clean(title.text_content()) if title is not None else ""
    teasers = {
        "og:description": _meta(tree, "property", "og:description"),
        "description": _meta(tree, "name", "description"),
        "lead": _lead(tree),
    }
    return PageFields(
        headlines={k: v for k, v in heads.items() if v},
        teasers={k: v for k, v in teasers.items() if v},
        language=_language(tree),
        site_name=_meta(tree, "property", "og:site_name") or None,
    )


def norm_text(text: str) -> str:
    """Lower case, umlauts folded, letters and digits only: for comparing texts across quote styles."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    return "".join(ch for ch in folded if ch.isalnum())


def site_keys(*names: str | None) -> set[str]:
    """Normalised names a title suffix may carry: site names, and the host name's main label."""
    keys = set()
    for name in names:
        if not name:
            continue
        if "." in name and " " not in name:  # a host name: dw.com -> dw, news.bbc.co.uk -> bbc
            labels = [lab for lab in name.lower().split(".") if lab not in _GENERIC_LABELS]
            keys.update(norm_text(lab) for lab in labels[:1])
        keys.add(norm_text(name.split(",")[0]))
    return {k for k in keys if len(k) >= 2}


def _site_like(segment: str, keys: set[str]) -> bool:
    norm = norm_text(segment)
    return bool(_DATE.match(segment.strip())) or any(k in norm for k in keys)


def strip_site_suffix(title: str, keys: set[str]) -> str:
    """``title`` without a trailing site name, date and section (" | DW | 19.01.2020", " - BBC News").

    Everything after the first `` | `` goes (headlines do not use pipes); dash-separated tail segments go
    only when they name the site or a date, and then up to two short (≤ 2 words) section names before them.
    """
    head = re.split(r"\s*\|\s*", title, maxsplit=1)[0].strip() or title.strip()
    parts = _DASHES.split(head)
    seps = _DASHES.findall(head)
    cut = len(parts)
    while cut > 1 and _site_like(parts[cut - 1], keys):
        cut -= 1
    if cut < len(parts):
        sections = 0
        while cut > 1 and sections < 2 and len(parts[cut - 1].split()) <= 2:
            cut -= 1
            sections += 1
    out = parts[0]
    for sep, part in zip(seps[: cut - 1], parts[1:cut]):
        out += sep + part
    return out.strip()


def truncated(text: str) -> bool:
    return text.rstrip().endswith(_TRUNCATED)


def pick(candidates: dict[str, str], order: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(text, source) of the first candidate in ``order``; a truncated one ("…") only when nothing else is."""
    present = [(candidates[s], s) for s in order if candidates.get(s)]
    whole = [c for c in present if not truncated(c[0])]
    if whole:
        return whole[0]
    return present[0] if present else (None, None)
