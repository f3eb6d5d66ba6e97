"""The DOCTYPE check every XML reader applies before parsing an uploaded part.

Neither Word nor Akoma Ntoso needs a DOCTYPE, and one is how entity expansion (billion
laughs) and external entities get in, so a declaration is refused outright. The check is
libxml2's own reading of the prolog, not a byte search: a byte search misses the
declaration in UTF-16, or in a declared UTF-7 where ``<!`` is written ``+ADwAIQ-``.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["declares_doctype", "safe_parser"]


def safe_parser(**options: bool) -> etree.XMLParser:
    """A parser that resolves no entity, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, **options
    )


class _Prolog:
    """A parser target that stops at the DOCTYPE or at the first element, whichever comes
    first, so nothing past the prolog is parsed (and no entity is expanded)."""

    class Seen(Exception):
        def __init__(self, doctype: bool) -> None:
            self.doctype = doctype

    def doctype(self, *args: object) -> None:
        raise self.Seen(doctype=True)

    def start(self, *args: object) -> None:
        raise self.Seen(doctype=False)

    def close(self) -> None:
        return None


def declares_doctype(xml: bytes) -> bool | None:
    """True when the XML declares a DOCTYPE, False when not, None when it is not XML
    (no element could be reached)."""
    parser = etree.XMLParser(
        target=_Prolog(), resolve_entities=False, load_dtd=False, no_network=True
    )
    try:
        for offset in range(0, max(len(xml), 1), 65536):
            parser.feed(xml[offset : offset + 65536])
        parser.close()
    except _Prolog.Seen as seen:
        return seen.doctype
    except etree.XMLSyntaxError:
        return None
    return None
