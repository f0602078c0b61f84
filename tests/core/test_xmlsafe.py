import io

import pytest

from regionnav import xmlsafe
from regionnav.errors import UnsafeXmlError

ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<r>&lol2;</r>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY])
def test_fromstring_refuses_dtd(document: bytes) -> None:
    with pytest.raises(UnsafeXmlError, match="DTD"):
        xmlsafe.fromstring(document)


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY])
def test_iterparse_refuses_dtd_before_content(document: bytes) -> None:
    with pytest.raises(UnsafeXmlError, match="DTD"):
        list(xmlsafe.iterparse(io.BytesIO(document)))


def test_fromstring_refuses_oversized_document() -> None:
    with pytest.raises(UnsafeXmlError, match="exceeds"):
        xmlsafe.fromstring(b"<r>" + b"x" * 100 + b"</r>", max_bytes=50)


def test_fromstring_refuses_broken_xml() -> None:
    with pytest.raises(UnsafeXmlError, match="well-formed"):
        xmlsafe.fromstring(b"<r><a></r>")


def test_libxml2_pair_matches_in_this_installation() -> None:
    xmlsafe.check_libxml2_pair()


@pytest.mark.parametrize("tags", [["r"], ["absent"]])
@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY])
def test_iterparse_tags_refuses_dtd_whether_or_not_a_tag_matches(
    document: bytes, tags: list[str]
) -> None:
    with pytest.raises(UnsafeXmlError, match="DTD"):
        list(xmlsafe.iterparse_tags(io.BytesIO(document), tags, ("start", "end")))
