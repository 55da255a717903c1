"""Parse XML that came from outside (a donor's file, an upload) without letting it reach anything else.

An IATI file never needs a DTD. One that declares entities could make the parser read local files (`file:///`),
fetch URLs, or expand a few bytes into gigabytes ("billion laughs"). So: no entity is resolved, no DTD is loaded,
the network is off, no huge-document mode, and any document that declares a DOCTYPE or an ENTITY is refused
before and after parsing (before: the bytes; after: what the parser saw, which also covers UTF-16 files).
"""

from __future__ import annotations

from lxml import etree


class RefusedXml(ValueError):
    """The document is not well-formed or declares a DTD; `line` is where the parser stopped (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse(data: bytes) -> etree._ElementTree:
    """The document tree of `data`, or RefusedXml saying why not (with the line, when the parser knows it)."""
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = data.find(marker)
        if at >= 0:
            raise RefusedXml(f"declares {marker[2:].decode()}: an IATI file has none, and a file that declares "
                             "entities is refused for safety", data.count(b"\n", 0, at) + 1)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise RefusedXml(f"is not well-formed XML: {exc.msg}", exc.lineno or 0) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise RefusedXml("declares a DOCTYPE: an IATI file has none, and it is refused for safety", 1)
    return tree


def path_of(element: etree._Element, within: etree._Element | None = None) -> str:
    """'iati-activity[3]/result[2]/indicator/period[4]': where an element is, for people reading a message
    (positions count from 1 among siblings of the same name; the root's name is left out). With `within`, the
    path below that ancestor."""
    parts = []
    while element is not None and element.getparent() is not None and element is not within:
        parent = element.getparent()
        same = [e for e in parent if e.tag == element.tag]
        name = etree.QName(element).localname if isinstance(element.tag, str) else "?"
        parts.append(f"{name}[{same.index(element) + 1}]" if len(same) > 1 else name)
        element = parent
    return "/".join(reversed(parts)) or "/"
