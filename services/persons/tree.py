"""A small element builder for one XML namespace.

The mappings write the contract's elements in schema order; this keeps the
namespace handling out of them and leaves absent values out instead of
writing empty elements, which the contract's types would refuse.
"""

from __future__ import annotations

from lxml import etree

from services.persons.post import PartialDate


class Tree:
    """Makes elements in one namespace, declared with ``prefix`` on roots."""

    def __init__(self, namespace: str, prefix: str) -> None:
        self.namespace = namespace
        self.prefix = prefix

    def tag(self, name: str) -> str:
        """``name`` in this namespace; a name already in ``{ns}local`` form is kept,
        so that an element of another namespace can hold children of this one."""
        return name if name.startswith("{") else f"{{{self.namespace}}}{name}"

    def root(self, name: str) -> etree._Element:
        """A new parentless element that declares the namespace."""
        return etree.Element(self.tag(name), nsmap={self.prefix: self.namespace})

    def make(self, name: str) -> etree._Element:
        """A new parentless element, to be attached with :meth:`attach`."""
        return etree.Element(self.tag(name))

    def add(
        self, parent: etree._Element, name: str, value: str | None = None
    ) -> etree._Element:
        """A new child of ``parent``, with ``value`` as its text if given."""
        child = etree.SubElement(parent, self.tag(name))
        if value is not None:
            child.text = value
        return child

    def text(self, parent: etree._Element, name: str, value: str | None) -> None:
        """A child with text ``value``; nothing when the value is absent."""
        if value is not None:
            self.add(parent, name, value)

    def flag(self, parent: etree._Element, name: str, value: bool) -> None:
        self.add(parent, name, "true" if value else "false")

    def date(
        self, parent: etree._Element, name: str, value: PartialDate | None
    ) -> None:
        """A ``PartialDateType`` child; nothing when the date is unknown."""
        if value is None:
            return
        element = self.add(parent, name)
        self.add(element, "format", value.format)
        self.add(element, "value", value.value)

    def identity(
        self, parent: etree._Element, name: str, root: str, extension: str
    ) -> None:
        """An ``IIType`` child: OID ``root`` and the id as ``extension``."""
        element = self.add(parent, name)
        self.add(element, "root", root)
        self.add(element, "extension", extension)


def attach(parent: etree._Element, child: etree._Element | None) -> None:
    """Append ``child`` if it holds anything; the contract's all-optional
    groups are left out rather than sent empty."""
    if child is not None and len(child):
        parent.append(child)
