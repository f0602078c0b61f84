"""Names: common Swedish (and a few foreign) given names and surnames.

The lists are plain facts - names that many people carry - not anybody's
record. Names are written in Mixed Case, as Navet does; Å, Ä, Ö and É occur.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MALE = (
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Jan", "Mikael",
    "Lennart", "Hans", "Olof", "Gunnar", "Sven", "Fredrik", "Peter", "Bengt",
    "Daniel", "Åke", "Göran", "Björn", "Stefan", "Magnus", "Mats", "Oskar",
    "Alexander", "William", "Lucas", "Elias", "Hugo", "Liam", "Noah", "Adam",
    "Axel", "Ludvig", "Viktor", "Isak", "Måns", "Örjan", "Sören", "Håkan", "Kjell",
    "Rolf", "Stig", "Ulf", "Leif", "Tord", "André", "Jöns", "Nils-Erik",
    "Karl-Johan", "Per-Olof", "Jan-Åke", "Lars-Göran", "Emil", "Albin", "Vilgot",
)  # fmt: skip
FEMALE = (
    "Anna", "Maria", "Margareta", "Elisabeth", "Eva", "Kristina", "Birgitta",
    "Karin", "Marie", "Ingrid", "Linnéa", "Sara", "Kerstin", "Emma", "Lena", "Ulla",
    "Åsa", "Märta", "Signe", "Astrid", "Elsa", "Alice", "Maja", "Ebba", "Wilma",
    "Saga", "Ella", "Stina", "Agnes", "Frida", "Hanna", "Ida", "Matilda", "Britt",
    "Gun", "Siv", "Inger", "Solveig", "Gunnel", "Renée", "Hélène", "Désirée",
    "Märit", "Anna-Karin", "Britt-Marie", "Ann-Sofie", "Eva-Lena", "Maj-Britt",
    "Elin", "Tove", "Sigrid", "Vera",
)  # fmt: skip
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
    "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson",
    "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Axelsson",
    "Berg", "Bergström", "Lundberg", "Lundgren", "Lundqvist", "Mattsson",
    "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Björk", "Bergman",
    "Holm", "Wikström", "Isaksson", "Nyström", "Holmberg", "Löfgren", "Söderberg",
    "Nyberg", "Blomqvist", "Nordström", "Mårtensson", "Lundström", "Viklund",
    "Björklund", "Eliasson", "Pålsson", "Sandström", "Nordin", "Ström", "Åberg",
    "Ekström", "Hedlund", "Sjögren", "Öberg", "Åström", "Söderström", "Åkesson",
    "Lindholm", "Öhman", "Niva", "Lantto", "Keskitalo", "Pekkari", "Nutti", "Labba",
    "Kuoppa", "Päiviö", "Wennström",
)  # fmt: skip
# Given names and surnames of people born abroad, by citizenship code.
FOREIGN: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "FI": (
        ("Matti", "Pentti", "Juha", "Mikko", "Jari"),
        ("Pirjo", "Aino", "Tuula", "Päivi", "Riitta"),
        ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen"),
    ),
    "NO": (
        ("Ole", "Knut", "Sigurd", "Øystein"),
        ("Ingrid", "Solveig", "Kari", "Åshild"),
        ("Hansen", "Johansen", "Olsen", "Haugen", "Bakke"),
    ),
    "IQ": (
        ("Mohammed", "Ali", "Hassan", "Ahmed"),
        ("Fatima", "Zainab", "Maryam", "Noor"),
        ("Al-Hassan", "Jaber", "Kareem", "Hussein"),
    ),
    "SY": (
        ("Omar", "Khaled", "Yousef", "Samer"),
        ("Rasha", "Lina", "Hiba", "Nour"),
        ("Haddad", "Khalil", "Darwish", "Nasser"),
    ),
    "SO": (
        ("Abdi", "Mohamed", "Yusuf", "Hassan"),
        ("Amina", "Hodan", "Faadumo", "Sahra"),
        ("Abdullahi", "Warsame", "Farah", "Osman"),
    ),
    "PL": (
        ("Piotr", "Tomasz", "Krzysztof", "Marek"),
        ("Agnieszka", "Katarzyna", "Ewa", "Magdalena"),
        ("Nowak", "Kowalski", "Wójcik", "Mazur"),
    ),
    "DE": (
        ("Jürgen", "Klaus", "Stefan", "Michael"),
        ("Ursula", "Sabine", "Monika", "Petra"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weiß"),
    ),
    "TH": (
        ("Somchai", "Niran", "Anan"),
        ("Siriporn", "Malee", "Ratana", "Suda"),
        ("Srisuk", "Chaiyaporn", "Wongsa"),
    ),
}

# A name of more than this many characters gets an Aviseringsnamn.
AVISERINGSNAMN_MAX = 36


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as Navet carries it."""

    given: str
    surname: str
    middle: str | None = None
    marking: int | None = None

    @property
    def aviseringsnamn(self) -> str | None:
        """The shortened envelope name, or ``None`` when the name fits."""
        return aviseringsnamn(self.given, self.middle, self.surname)


def aviseringsnamn(given: str, middle: str | None, surname: str) -> str | None:
    """A name of at most 36 characters, "Mellannamn Efternamn, Förnamn".

    ``None`` when the whole name fits in 36 characters. Otherwise given-name
    parts are cut to initials from the last one backwards, then the middle
    name is dropped, then the surname is cut (Skatteverket's own algorithm is
    not public; this one follows the shape of its published example).
    """
    full = " ".join(part for part in (given, middle, surname) if part)
    if len(full) <= AVISERINGSNAMN_MAX:
        return None

    words = given.replace("-", " ").split()
    family = " ".join(part for part in (middle, surname) if part)
    for cut in range(len(words) + 1):
        kept = words[: len(words) - cut] + [word[0] for word in words[-cut:] if cut]
        candidate = f"{family}, {' '.join(kept)}"
        if len(candidate) <= AVISERINGSNAMN_MAX:
            return candidate

    initials = " ".join(word[0] for word in words)
    room = AVISERINGSNAMN_MAX - len(initials) - 2
    return f"{surname[:room].rstrip()}, {initials}"


def given_names(rng: random.Random, sex: str, count: int) -> tuple[str, int]:
    """``count`` distinct given names and their Tilltalsnamnsmarkering.

    The marking names the part(s) the person is called by: the 1-based
    position of each part, hyphenated names counting as two parts.
    """
    pool = MALE if sex == "M" else FEMALE
    chosen = rng.sample(pool, count)
    called = rng.randrange(count)
    position = 1 + sum(len(name.split("-")) for name in chosen[:called])
    parts = len(chosen[called].split("-"))
    marking = position * 10 + (position + 1 if parts > 1 else 0)
    return " ".join(chosen), marking


def swedish_name(
    rng: random.Random, sex: str, surname: str | None = None, long: bool = False
) -> Name:
    """A Swedish name; ``long`` gives one that needs an Aviseringsnamn."""
    if long:
        return _long_name(rng, sex)
    count = rng.choices((1, 2, 3), (35, 55, 10))[0]
    given, marking = given_names(rng, sex, count)
    middle = rng.choice(SURNAMES) if rng.random() < 0.06 else None
    return Name(
        given=given,
        surname=surname or rng.choice(SURNAMES),
        middle=middle,
        marking=marking if count > 1 or rng.random() < 0.3 else None,
    )


def foreign_name(rng: random.Random, sex: str, country: str) -> Name:
    """A name common in ``country`` (a code of :data:`FOREIGN`)."""
    male, female, surnames = FOREIGN[country]
    return Name(
        given=rng.choice(male if sex == "M" else female), surname=rng.choice(surnames)
    )


def _long_name(rng: random.Random, sex: str) -> Name:
    # Three given names with a hyphenated one, a middle name and a double
    # surname: always longer than 36 characters.
    pool = MALE if sex == "M" else FEMALE
    hyphenated = [name for name in pool if "-" in name]
    plain = [name for name in pool if "-" not in name and len(name) >= 5]
    parts = [rng.choice(hyphenated), *rng.sample(plain, 2)]
    first, second = rng.sample([s for s in SURNAMES if len(s) >= 8], 2)
    return Name(
        given=" ".join(parts),
        surname=f"{first} {second}",
        middle=rng.choice(SURNAMES),
        marking=12,
    )
