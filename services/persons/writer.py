"""Writing the pieces of ``PersonRecordType`` from a Navet post.

Most of ``PersonRecordType`` has the same shape in 5.0 and 3.1; the
differences are few and named here: 3.1 wraps name parts, a place of birth
abroad and a citizenship country in a small type with ``attested``, and puts
its later additions (``foundDeadAtDate``, ``protectedPopulationRecord``) in
the ``...:person:3.1`` namespace. A :class:`Writer` holds those choices; the
version modules (:mod:`.record5`, :mod:`.record3`) decide which pieces a
profile gets and in which order.

Each method reads one block of the post and returns the contract's element,
or one with nothing in it when Navet sent nothing usable
(:func:`~services.persons.tree.attach` leaves those out).
"""

from __future__ import annotations

from lxml import etree

from adapters.navet.facts import value_of
from services.persons import post
from services.persons.contract import ROOT_OF_KIND, Profile
from services.persons.post import partial_date, text
from services.persons.tree import Tree, attach

# Invandring's Nordic numbers and the country each belongs to (ISO 3166 alpha-2).
NORDIC_NUMBERS = (
    ("NordisktPnrDa", "DK"),
    ("NordisktPnrFi", "FI"),
    ("NordisktPnrFo", "FO"),
    ("NordisktPnrIs", "IS"),
    ("NordisktPnrNo", "NO"),
)

# A number change confirmed by Skatteverket; the value Inera's samples give.
LINK_ASSURANCE = "level4"


def kind_of(person_id: str) -> str:
    """``SNR`` for a samordningsnummer (day + 60), else ``PNR``."""
    return "SNR" if int(person_id[6:8]) > 60 else "PNR"


def root_of(person_id: str) -> str:
    """The OID of the kind of number ``person_id`` is."""
    return ROOT_OF_KIND[kind_of(person_id)]


class Writer(Tree):
    """Writes ``PersonRecordType`` pieces in the core namespace of a version.

    ``ext`` is the tree for the elements a minor version added in a namespace
    of its own (the core tree itself when the version has none);
    ``wrap_attested`` selects 3.1's ``{value, attested}`` types.
    """

    def __init__(self, core: Tree, ext: Tree, *, wrap_attested: bool) -> None:
        super().__init__(core.namespace, core.prefix)
        self.ext = ext
        self.wrap_attested = wrap_attested

    def attested(
        self,
        parent: etree._Element,
        name: str,
        inner: str,
        value: str | None,
        styrkt: str | None = None,
    ) -> None:
        """A value that 3.1 wraps as ``<name><inner>value</inner><attested/>``."""
        if value is None:
            return
        if not self.wrap_attested:
            self.add(parent, name, value)
            return
        element = self.add(parent, name)
        self.add(element, inner, value)
        if styrkt in ("J", "N"):
            self.flag(element, "attested", styrkt == "J")

    def name(self, source: etree._Element | None) -> etree._Element:
        """``NameType`` from Navet's ``Namn`` (``styrkt`` becomes ``attested``)."""
        element = self.make("name")
        if source is None:
            return element
        indicator = post.number(text(source, "Tilltalsnamnsmarkering"), 2)
        self.text(element, "givenNameIndicator", indicator)
        for tag, navet in (
            ("givenName", "Fornamn"),
            ("middleName", "Mellannamn"),
            ("surname", "Efternamn"),
        ):
            part = source.find(navet)
            if part is not None:
                value = value_of(part)
                self.attested(element, tag, "name", value, part.get("styrkt"))
        self.text(element, "notificationName", text(source, "Aviseringsnamn"))
        return element

    def linked_identities(
        self, parent: etree._Element, numbers: tuple[str, ...]
    ) -> None:
        """One ``linkedIdentity`` per other number of the same person."""
        for number in numbers:
            linked = self.add(parent, "linkedIdentity")
            self.identity(linked, "referredPersonalIdentity", root_of(number), number)
            self.add(linked, "assuranceLevel", LINK_ASSURANCE)
            self.flag(linked, "primaryIdentity", False)

    def birth(
        self, person_id: str, personpost: etree._Element | None, profile: Profile
    ) -> etree._Element:
        """``BirthType``: the birth date; from profile 4 the place of birth."""
        element = self.make("birth")
        born = text(personpost, "Fodelsedatum") or post.birth_date_of_id(person_id)
        self.date(element, "dateOfBirth", partial_date(born))
        if profile < Profile.P4 or personpost is None:
            return element
        sweden = personpost.find("Fodelse/HemortSverige")
        if sweden is not None:
            place = self.make("placeOfBirthSweden")
            self.text(place, "birthCountyCode", text(sweden, "FodelselanKod"))
            self.text(place, "birthParish", text(sweden, "Fodelseforsamling"))
            attach(element, place)
        abroad = personpost.find("Fodelse/OrtUtlandet")
        if abroad is not None:
            place = self.make("birthAbroad")
            where = text(abroad, "FodelseortUtland")
            self.attested(place, "placeOfBirthAbroad", "placeOfBirthAbroad", where)
            self.text(place, "countryOfBirth", text(abroad, "Fodelseland"))
            attach(element, place)
        return element

    def locality(
        self, source: etree._Element | None, *, county_only: bool = False
    ) -> etree._Element:
        """``PopulationRegistrationLocalityType`` from a ``Folkbokforing`` block.

        ``county_only`` gives just the county code, which profile 1 carries.
        """
        element = self.make("populationRegistrationLocality")
        if source is None:
            return element
        if county_only:
            self.text(element, "countyCode", text(source, "LanKod"))
            return element
        registered = partial_date(text(source, "Folkbokforingsdatum"))
        self.date(element, "populationRegistrationDate", registered)
        self.text(element, "countyCode", text(source, "LanKod"))
        # The contract's municipalityCode holds two characters, as Navet sends it.
        kommun = text(source, "KommunKod")
        if kommun is not None and len(kommun) <= 2:
            self.add(element, "municipalityCode", kommun)
        self.text(element, "parishCode", text(source, "ForsamlingKod"))
        self.text(element, "propertyDesignation", text(source, "Fastighetsbeteckning"))
        fictitious = post.number(text(source, "FiktivtNr"), 3)
        self.text(element, "fictitiousPropertyNumber", fictitious)
        self.text(
            element, "populationRegistrationType", text(source, "Folkbokforingstyp")
        )
        return element

    def registration_record(
        self, record: etree._Element, profile: Profile
    ) -> etree._Element:
        """``PopulationRegistrationRecordType``: the case, from P5 the history."""
        element = self.make("populationRegistrationRecord")
        attach(element, self._notification_case(record.find("Arendeuppgift")))
        history = record.find("Historik")
        if profile >= Profile.P5 and history is not None:
            historical = self.make("historicalRecords")
            for earlier in history.iterfind("Folkbokforing"):
                attach(historical, self.locality(earlier))
            address = history.find("Folkbokforingsadress")
            attach(historical, self.residential_address("historicalAddress", address))
            attach(element, historical)
        return element

    def _notification_case(self, source: etree._Element | None) -> etree._Element:
        element = self.make("notificationCase")
        if source is None:
            return element
        record_id = text(source, "PostId")
        # RecordId is exactly 16 characters (YYYY.NNN.NNN.NNN); others are left out.
        if record_id is not None and len(record_id) == 16:
            self.add(element, "recordId", record_id)
        self.text(element, "notificationType", text(source, "Arendetyp"))
        changed = (source.get("andringstidpunkt") or "").strip()
        self.text(element, "modificationTime", post.date_time(changed))
        return element

    def addresses(
        self, source: etree._Element | None, *, with_uuid: bool
    ) -> etree._Element:
        """``AddressInformationType`` from ``Adresser``."""
        element = self.make("addressInformation")
        if source is None:
            return element
        home = source.find("Folkbokforingsadress")
        attach(element, self.residential_address("residentialAddress", home))
        attach(element, self._national_keys(source.find("Riksnycklar")))
        district = self.make("district")
        self.text(district, "districtCode", text(source, "Distrikt/Distriktskod"))
        attach(element, district)
        special = source.find("SarskildPostadress")
        attach(element, self.residential_address("specialPostalAddress", special))
        attach(element, self._address_abroad(source.find("Utlandsadress")))
        uuid = source.find("UUID")
        if with_uuid and uuid is not None:
            keys = self.make("UUID")
            self.text(keys, "propertyId", text(uuid, "Fastighet"))
            self.text(keys, "addressPlaceId", text(uuid, "Adress"))
            self.text(keys, "apartmentId", text(uuid, "Lagenhet"))
            attach(element, keys)
        return element

    def residential_address(
        self, name: str, source: etree._Element | None
    ) -> etree._Element:
        """``ResidentialAddressType`` from Navet's ``SvenskAdressTYPE``."""
        element = self.make(name)
        if source is None:
            return element
        self.text(element, "careOf", text(source, "CareOf"))
        self.text(element, "postalAddress1", text(source, "Utdelningsadress1"))
        self.text(element, "postalAddress2", text(source, "Utdelningsadress2"))
        self.text(element, "postalCode", post.postal_code(text(source, "PostNr")))
        self.text(element, "city", text(source, "Postort"))
        return element

    def _national_keys(self, source: etree._Element | None) -> etree._Element:
        element = self.make("nationalKeys")
        if source is None:
            return element
        property_id = text(source, "FastighetsId")
        if property_id is not None and len(property_id) <= 10:
            self.add(element, "propertyId", property_id)
        place = post.number(text(source, "AdressplatsId"), 14)
        self.text(element, "addressPlaceId", place)
        self.text(element, "apartmentId", post.number(text(source, "LagenhetsId"), 14))
        return element

    def _address_abroad(self, source: etree._Element | None) -> etree._Element:
        # Navet's Land is a country name in text; countryCode takes 40 characters.
        element = self.make("addressAbroad")
        if source is None:
            return element
        for line in ("1", "2", "3"):
            value = text(source, f"Utdelningsadress{line}")
            self.text(element, f"postalAddress{line}", value)
        self.text(element, "countryCode", text(source, "Land"))
        since = partial_date(text(source, "Utlandsadressdatum"))
        self.date(element, "addressAbroadDate", since)
        self.date(element, "votingDate", partial_date(text(source, "Rostrattsdatum")))
        return element

    def deregistration(self, source: etree._Element | None) -> etree._Element:
        """``DeregistrationType`` from an ``Avregistrering`` block."""
        element = self.make("deregistration")
        if source is None:
            return element
        code = text(source, "AvregistreringsorsakKod")
        self.text(element, "deregistrationReasonCode", code)
        when = partial_date(text(source, "Avregistreringsdatum"))
        self.date(element, "deregistrationDate", when)
        # In 3.1 the element is in the ext namespace, its parts in the core one.
        found = partial_date(text(source, "AntraffadDod"))
        self.date(element, self.ext.tag("foundDeadAtDate"), found)
        return element

    def current_facts(
        self,
        parent: etree._Element,
        personpost: etree._Element,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        """Profile 4's current SKV data: civil status to relations, in order.

        A relation to a number in ``hidden`` is left out whole.
        """
        attach(parent, self._marital_status(personpost.find("Civilstand")))
        attach(parent, self._immigration(personpost.find("Invandring")))
        for source in personpost.iterfind("Medborgarskap"):
            attach(parent, self._citizenship(source))
        for source in personpost.iterfind("Relationer/Relation"):
            if text(source, "RelationId/PersonNr") not in hidden:
                attach(parent, self._relationship(source))

    def _marital_status(self, source: etree._Element | None) -> etree._Element:
        # The code is Navet's, verbatim (including Ä); CodedValue takes any text.
        element = self.make("maritalStatus")
        self.text(element, "maritalStatusCode", text(source, "CivilstandKod"))
        since = partial_date(text(source, "Civilstandsdatum"))
        self.date(element, "maritalStatusDate", since)
        return element

    def _immigration(self, source: etree._Element | None) -> etree._Element:
        element = self.make("immigration")
        if source is None:
            return element
        since = partial_date(text(source, "Invandringsdatum"))
        self.date(element, "immigrationDate", since)
        if text(source, "Uppehallsratt") == "J":
            self.flag(element, "rightOfResidence", True)
        for tag, country in NORDIC_NUMBERS:
            number = text(source, tag)
            if number is not None:
                identity = self.add(element, "immigrationIdentity")
                self.add(identity, "personalIdentityNumber", number)
                self.add(identity, "country", country)
        return element

    def _citizenship(self, source: etree._Element) -> etree._Element:
        element = self.make("citizenship")
        country = text(source, "MedborgarskapslandKod")
        self.attested(element, "citizenshipCountryCode", "countryCode", country)
        since = partial_date(text(source, "Medborgarskapsdatum"))
        self.date(element, "citizenshipDate", since)
        self.text(element, "status", (source.get("status") or "").strip() or None)
        return element

    def _relationship(self, source: etree._Element) -> etree._Element | None:
        kind = text(source, "Relationstyp")
        if kind is None:
            return None
        element = self.make("relationship")
        related = self.add(element, "relationshipId")
        number = text(source, "RelationId/PersonNr")
        if number is not None and len(number) == 12 and number.isdigit():
            self.identity(related, "personalIdentity", root_of(number), number)
        else:
            born = text(source, "RelationId/FodelsetidNr")
            self.date(related, "dateOfBirth", partial_date(born[:8] if born else None))
        self.add(element, "relationshipType", kind)
        since = partial_date(text(source, "RelationFromdatum"))
        self.date(element, "relationshipFromDate", since)
        until = partial_date(text(source, "RelationTomdatum"))
        self.date(element, "relationshipToDate", until)
        attach(element, self.name(source.find("Namn")))
        attach(element, self.deregistration(source.find("Avregistrering")))
        self.text(element, "status", (source.get("status") or "").strip() or None)
        return element
