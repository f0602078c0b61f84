"""Län and kommuner the generator can place people in, with their post towns.

Kommun codes, names and post towns are public facts; populations are rounded
(thousands) and only steer how many people each kommun gets. Postcodes are made
from the three-digit prefix of the post town and two random digits, which gives
plausible, not necessarily existing, codes. A län that is not in the tables is
refused with :class:`~regionnav.errors.GenerationError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from regionnav.errors import GenerationError


@dataclass(frozen=True, slots=True)
class Kommun:
    """A kommun: 4-digit code, name, population in thousands, post towns."""

    code: str
    name: str
    population: int
    towns: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def lan(self) -> str:
        """The 2-digit län code (the first half of the kommun code)."""
        return self.code[:2]

    @property
    def short(self) -> str:
        """The last two digits, which Navet carries as ``KommunKod``."""
        return self.code[2:]

    @property
    def forsamling(self) -> str:
        """A parish name for ``Fodelseforsamling`` (the kommun's main town)."""
        return self.towns[0][0]


def _k(
    code: str, name: str, population: int, *towns: tuple[str, tuple[int, ...]]
) -> Kommun:
    return Kommun(code, name, population, towns)


LAN_NAMES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}

KOMMUNER: dict[str, tuple[Kommun, ...]] = {
    "01": (
        _k("0114", "Upplands Väsby", 48, ("UPPLANDS VÄSBY", (194,))),
        _k("0115", "Vallentuna", 34, ("VALLENTUNA", (186,))),
        _k("0117", "Österåker", 47, ("ÅKERSBERGA", (184,))),
        _k("0120", "Värmdö", 46, ("GUSTAVSBERG", (134,)), ("VÄRMDÖ", (139,))),
        _k("0123", "Järfälla", 84, ("JÄRFÄLLA", (175, 176, 177))),
        _k("0125", "Ekerö", 28, ("EKERÖ", (178,))),
        _k("0126", "Huddinge", 114, ("HUDDINGE", (141,)), ("SKOGÅS", (142,))),
        _k("0127", "Botkyrka", 96, ("TUMBA", (147,)), ("NORSBORG", (145,))),
        _k("0128", "Salem", 17, ("RÖNNINGE", (144,))),
        _k("0136", "Haninge", 97, ("HANINGE", (136, 137))),
        _k("0138", "Tyresö", 49, ("TYRESÖ", (135,))),
        _k("0139", "Upplands-Bro", 30, ("KUNGSÄNGEN", (196,)), ("BRO", (197,))),
        _k("0140", "Nykvarn", 11, ("NYKVARN", (155,))),
        _k("0160", "Täby", 74, ("TÄBY", (183, 187))),
        _k("0162", "Danderyd", 33, ("DANDERYD", (182,)), ("DJURSHOLM", (182,))),
        _k("0163", "Sollentuna", 75, ("SOLLENTUNA", (191, 192))),
        _k(
            "0180",
            "Stockholm",
            985,
            ("STOCKHOLM", (112, 113, 114, 115, 116, 117, 118)),
            ("BROMMA", (167, 168)),
            ("HÄGERSTEN", (126, 129)),
            ("ENSKEDE", (122,)),
            ("ÄLVSJÖ", (125,)),
            ("SKÄRHOLMEN", (127,)),
            ("VÄLLINGBY", (162,)),
        ),
        _k("0181", "Södertälje", 102, ("SÖDERTÄLJE", (151, 152))),
        _k(
            "0182",
            "Nacka",
            108,
            ("NACKA", (131,)),
            ("SALTSJÖ-BOO", (132,)),
            ("SALTSJÖBADEN", (133,)),
        ),
        _k("0183", "Sundbyberg", 55, ("SUNDBYBERG", (172, 174))),
        _k("0184", "Solna", 85, ("SOLNA", (169, 170, 171))),
        _k("0186", "Lidingö", 48, ("LIDINGÖ", (181,))),
        _k("0187", "Vaxholm", 12, ("VAXHOLM", (185,))),
        _k(
            "0188",
            "Norrtälje",
            64,
            ("NORRTÄLJE", (761,)),
            ("RIMBO", (762,)),
            ("HALLSTAVIK", (763,)),
        ),
        _k("0191", "Sigtuna", 50, ("MÄRSTA", (195,)), ("SIGTUNA", (193,))),
        _k("0192", "Nynäshamn", 29, ("NYNÄSHAMN", (149,))),
    ),
    "03": (
        _k("0305", "Håbo", 22, ("BÅLSTA", (746,))),
        _k("0319", "Älvkarleby", 10, ("SKUTSKÄR", (814,))),
        _k("0330", "Knivsta", 20, ("KNIVSTA", (741,))),
        _k("0331", "Heby", 14, ("HEBY", (744,)), ("MORGONGÅVA", (744,))),
        _k("0360", "Tierp", 21, ("TIERP", (815,))),
        _k(
            "0380",
            "Uppsala",
            240,
            ("UPPSALA", (751, 752, 753, 754, 756, 757)),
            ("STORVRETA", (743,)),
        ),
        _k("0381", "Enköping", 46, ("ENKÖPING", (745,))),
        _k(
            "0382",
            "Östhammar",
            22,
            ("ÖSTHAMMAR", (742,)),
            ("ÖREGRUND", (742,)),
            ("GIMO", (747,)),
        ),
    ),
    "24": (
        _k("2401", "Nordmaling", 7, ("NORDMALING", (914,))),
        _k("2403", "Bjurholm", 2, ("BJURHOLM", (916,))),
        _k("2404", "Vindeln", 5, ("VINDELN", (922,))),
        _k("2409", "Robertsfors", 7, ("ROBERTSFORS", (915,))),
        _k("2417", "Norsjö", 4, ("NORSJÖ", (935,))),
        _k("2418", "Malå", 3, ("MALÅ", (939,))),
        _k("2421", "Storuman", 6, ("STORUMAN", (923,)), ("TÄRNABY", (920,))),
        _k("2422", "Sorsele", 2, ("SORSELE", (924,))),
        _k("2425", "Dorotea", 3, ("DOROTEA", (917,))),
        _k("2460", "Vännäs", 9, ("VÄNNÄS", (911,))),
        _k("2462", "Vilhelmina", 7, ("VILHELMINA", (912,))),
        _k("2463", "Åsele", 3, ("ÅSELE", (919,))),
        _k(
            "2480",
            "Umeå",
            131,
            ("UMEÅ", (903, 904, 905, 906, 907)),
            ("HOLMSUND", (913,)),
        ),
        _k("2481", "Lycksele", 12, ("LYCKSELE", (921,))),
        _k(
            "2482",
            "Skellefteå",
            75,
            ("SKELLEFTEÅ", (931,)),
            ("SKELLEFTEHAMN", (932,)),
            ("BURTRÄSK", (937,)),
        ),
    ),
    "25": (
        _k("2505", "Arvidsjaur", 6, ("ARVIDSJAUR", (933,))),
        _k("2506", "Arjeplog", 3, ("ARJEPLOG", (930,))),
        _k("2510", "Jokkmokk", 5, ("JOKKMOKK", (962,))),
        _k("2513", "Överkalix", 3, ("ÖVERKALIX", (956,))),
        _k("2514", "Kalix", 16, ("KALIX", (952,)), ("TÖRE", (955,))),
        _k("2518", "Övertorneå", 4, ("ÖVERTORNEÅ", (957,))),
        _k("2521", "Pajala", 6, ("PAJALA", (984,))),
        _k("2523", "Gällivare", 17, ("GÄLLIVARE", (982,)), ("MALMBERGET", (983,))),
        _k("2560", "Älvsbyn", 8, ("ÄLVSBYN", (942,))),
        _k(
            "2580",
            "Luleå",
            80,
            ("LULEÅ", (972, 973, 974, 975, 976, 977)),
            ("SÖDRA SUNDERBYN", (954,)),
        ),
        _k("2581", "Piteå", 42, ("PITEÅ", (941, 943, 946)), ("ROSVIK", (945,))),
        _k("2582", "Boden", 28, ("BODEN", (961,))),
        _k("2583", "Haparanda", 10, ("HAPARANDA", (953,))),
        _k("2584", "Kiruna", 22, ("KIRUNA", (981,)), ("SVAPPAVAARA", (980,))),
    ),
}

# A parish of birth (Fodelseforsamling) for each län, for people born in Sweden
# outside the file's own län.
BIRTH_PARISHES = {
    "01": "ENGELBREKT",
    "03": "UPPSALA DOMKYRKO",
    "04": "NYKÖPINGS S:T NICOLAI",
    "05": "LINKÖPINGS DOMKYRKO",
    "06": "JÖNKÖPINGS SOFIA",
    "07": "VÄXJÖ DOMKYRKO",
    "08": "KALMAR DOMKYRKO",
    "09": "VISBY",
    "10": "KARLSKRONA AMIRALITETS",
    "12": "MALMÖ S:T PETRI",
    "13": "HALMSTADS S:T NIKOLAI",
    "14": "GÖTEBORGS DOMKYRKO",
    "17": "KARLSTADS DOMKYRKO",
    "18": "ÖREBRO NIKOLAI",
    "19": "VÄSTERÅS DOMKYRKO",
    "20": "FALU KRISTINE",
    "21": "GÄVLE HELIGA TREFALDIGHET",
    "22": "HÄRNÖSANDS DOMKYRKO",
    "23": "ÖSTERSUNDS",
    "24": "UMEÅ STADS",
    "25": "NEDERLULEÅ",
}

# Countries people immigrate from: code, Swedish name, towns of birth.
COUNTRIES = {
    "FI": ("FINLAND", ("HELSINGFORS", "TAMMERFORS", "ULEÅBORG")),
    "NO": ("NORGE", ("OSLO", "TROMSØ", "NARVIK")),
    "IQ": ("IRAK", ("BAGDAD", "BASRA", "MOSUL")),
    "SY": ("SYRIEN", ("ALEPPO", "DAMASKUS", "HOMS")),
    "SO": ("SOMALIA", ("MOGADISHU", "HARGEISA")),
    "PL": ("POLEN", ("WARSZAWA", "GDANSK", "KRAKÓW")),
    "DE": ("TYSKLAND", ("HAMBURG", "MÜNCHEN", "KÖLN")),
    "TH": ("THAILAND", ("BANGKOK", "UDON THANI")),
}

# Skatteverket's mail-forwarding address (förmedlingsuppdrag), given instead of
# the real address of a person with skyddad folkbokföring.
FORMEDLING = ("SKATTEVERKET", "BOX 2820", 40320, "GÖTEBORG")


def kommuner(lan: str, kommun: str | None = None) -> tuple[Kommun, ...]:
    """The kommuner of ``lan``, or just ``kommun`` (4 digits) within it.

    Raises :class:`~regionnav.errors.GenerationError` for a län or kommun
    that is not in the tables.
    """
    if lan not in KOMMUNER:
        known = ", ".join(sorted(KOMMUNER))
        raise GenerationError(f"no kommun table for län {lan!r}; known: {known}")
    table = KOMMUNER[lan]
    if kommun is None:
        return table
    chosen = tuple(k for k in table if k.code == kommun)
    if not chosen:
        raise GenerationError(f"kommun {kommun!r} is not in län {lan}")
    return chosen


def kommun_by_code(code: str) -> Kommun | None:
    """The kommun with the 4-digit ``code``, if the tables know it."""
    for kommun in KOMMUNER.get(code[:2], ()):
        if kommun.code == code:
            return kommun
    return None
