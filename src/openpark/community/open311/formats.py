"""The two formats of GeoReport v2: XML (required by the specification) and JSON.

A document is plain Python: a list (the root's items), a dict (elements in the order given), and
scalars. XML names every list's items by `ITEM_OF` ("services" holds "service" elements, a dict's
"formats" list "format" elements); None is an empty element, True and False read true and false.
Text goes through ElementTree, which escapes it; characters XML 1.0 cannot carry at all (control
characters) are left out, so that a description typed with one still makes a well-formed document.
"""
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse

XML, JSON = "xml", "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# The element each list's items are written as.
ITEM_OF = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
    "service_request_updates": "request_update",
}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 31.950000 → 31.95, as JSON writes it
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, (list, tuple)):
        item = ITEM_OF[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, item), inner)
    else:
        element.text = text(value)


def to_xml(root: str, document) -> bytes:
    element = ET.Element(root)
    _fill(element, document)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_json(document) -> bytes:
    # <, > and & written as \u escapes: the same string to every JSON reader, and never markup.
    data = json.dumps(document, ensure_ascii=False, default=_json_default, separators=(",", ":"))
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def respond(fmt: str, root: str, document, status: int = 200) -> HttpResponse:
    """The document in the asked format: in XML under the element `root` (JSON has no root)."""
    body = to_xml(root, document) if fmt == XML else to_json(document)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error list: one error per description, each with the HTTP status as code."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
