"""The facts of the GetPersonsForProfile contract that every part here shares.

Names, namespaces and limits of ``strategicresourcemanagement:persons:person``
GetPersonsForProfile in the two versions Regionnav serves, 5.0 and 3.1, as the
official WSDL and XSD files state them, and the rules of the TKB that decide
behaviour: the identity OIDs, the profiles and the 500-id limit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from regionnav.errors import RequestError

DOMAIN = "strategicresourcemanagement:persons:person"
OPERATION = "GetPersonsForProfile"

PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"
ROOT_OF_KIND = {"PNR": PERSONNUMMER_OID, "SNR": SAMORDNINGSNUMMER_OID}
SWEDISH_ROOTS = frozenset(ROOT_OF_KIND.values())

MAX_IDS = 500

# The project's own contract files, beside the packages (see DESIGN.md).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Profile(enum.IntEnum):
    """The data profiles P1-P5; each one holds everything of the one below."""

    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4
    P5 = 5

    @classmethod
    def parse(cls, value: str) -> Profile:
        """The profile named ``value`` (``"P1"`` .. ``"P5"``).

        Raises :class:`RequestError` for P6-P10, which the contract reserves,
        and for any other text.
        """
        text = value.strip()
        if text in cls.__members__:
            return cls[text]
        if text in {f"P{number}" for number in range(6, 11)}:
            raise RequestError(f"profile {text} is reserved and not served")
        raise RequestError("profile is not one of P1-P10")


@dataclass(frozen=True)
class Version:
    """One version of the contract: its namespaces, paths and file names."""

    label: str
    major: int

    @property
    def core(self) -> str:
        return f"urn:riv:{DOMAIN}:{self.major}"

    @property
    def responder(self) -> str:
        return f"urn:riv:{DOMAIN}:{OPERATION}Responder:{self.major}"

    @property
    def ext(self) -> str:
        """The namespace of the minor version's additions (used by 3.1)."""
        return f"urn:riv:{DOMAIN}:{self.label}"

    @property
    def wsdl_namespace(self) -> str:
        return f"urn:riv:{DOMAIN}:{OPERATION}:{self.major}:rivtabp21"

    @property
    def soap_action(self) -> str:
        return f"{self.responder}:{OPERATION}"

    @property
    def path(self) -> str:
        """The RIV-TA endpoint path: major version only."""
        domain_path = DOMAIN.replace(":", "/")
        return f"/{domain_path}/{OPERATION}/{self.major}/rivtabp21"

    @property
    def wsdl_file(self) -> Path:
        return (
            PROJECT_ROOT
            / "wsdl"
            / f"{OPERATION}Interaction_{self.label}_RIVTABP21.wsdl"
        )

    @property
    def responder_xsd_file(self) -> Path:
        return PROJECT_ROOT / "xsd" / f"{OPERATION}Responder_{self.label}.xsd"


V5 = Version("5.0", 5)
V3 = Version("3.1", 3)
VERSIONS = (V5, V3)
