"""The project's own WSDL and XSD files, as served at ``?wsdl`` and ``?xsd=``.

The files live at the top of the repository, ``wsdl/`` and ``xsd/``; in the
repository a WSDL imports its schemas as ``../xsd/<file>`` and the schemas
import each other by file name, so zeep and lxml load them straight from disk.
When served, every ``schemaLocation`` becomes ``?xsd=<file>`` (relative to the
endpoint URL) and the WSDL's ``soap:address`` becomes the endpoint's own URL.
Only the schemas reachable from the endpoint's WSDL are served.

Everything is read and rewritten once, when the endpoint is built.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from regionnav import xmlsafe
from regionnav.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
WSDL_DIR = ROOT / "wsdl"
XSD_DIR = ROOT / "xsd"

_XS = "http://www.w3.org/2001/XMLSchema"
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
_MAX_FILE_BYTES = 1_000_000


class ContractFiles:
    """One endpoint's WSDL and the schemas it imports, ready to serve."""

    def __init__(self, wsdl_name: str) -> None:
        wsdl = _load(WSDL_DIR / wsdl_name)
        pending = _imports(wsdl)
        self._wsdl = _rewrite(wsdl)
        self._schemas: dict[str, bytes] = {}
        while pending:
            name = pending.pop()
            if name in self._schemas:
                continue
            schema = _load(XSD_DIR / name)
            pending.extend(_imports(schema))
            self._schemas[name] = etree.tostring(
                _rewrite(schema), xml_declaration=True, encoding="UTF-8"
            )

    def wsdl(self, location: str) -> bytes:
        """The WSDL with its port's ``soap:address`` set to ``location``."""
        document = copy.deepcopy(self._wsdl)
        for address in document.iter(f"{{{_SOAP_BINDING}}}address"):
            address.set("location", location)
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8")

    def xsd(self, name: str) -> bytes | None:
        """The schema called ``name``, or ``None`` when this WSDL does not use it."""
        return self._schemas.get(name)

    @property
    def schema_names(self) -> frozenset[str]:
        return frozenset(self._schemas)


def _load(path: Path) -> etree._Element:
    try:
        return xmlsafe.fromstring(path.read_bytes(), _MAX_FILE_BYTES)
    except OSError as exc:
        raise ConfigError(str(path), "cannot be read", "contract file") from exc


def _imports(document: etree._Element) -> list[str]:
    return [
        Path(location).name
        for element in document.iter(f"{{{_XS}}}import", f"{{{_XS}}}include")
        if (location := element.get("schemaLocation"))
    ]


def _rewrite(document: etree._Element) -> etree._Element:
    for element in document.iter(f"{{{_XS}}}import", f"{{{_XS}}}include"):
        location = element.get("schemaLocation")
        if location:
            element.set("schemaLocation", f"?xsd={Path(location).name}")
    return document
