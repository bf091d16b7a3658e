"""OGP-like members for synthetic content: ~75 national members with two-letter ID prefixes and
~150 local ones with three- or four-letter prefixes, as on the real site (UK, not GB; PAR,
SEK, NGKD). Names are real places; the membership and numbering are invented."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from demosite.htmlbits import slugify

_NATIONAL = """
Afghanistan AF|Albania AL|Argentina AR|Armenia AM|Australia AU|Brazil BR|Bulgaria BG|
Burkina Faso BF|Cabo Verde CV|Canada CA|Chile CL|Colombia CO|Costa Rica CR|Côte d'Ivoire CI|
Croatia HR|Czech Republic CZ|Denmark DK|Dominican Republic DO|Ecuador EC|El Salvador SV|
Estonia EE|Finland FI|France FR|Georgia GE|Germany DE|Ghana GH|Greece GR|Guatemala GT|
Honduras HN|Indonesia ID|Ireland IE|Israel IL|Italy IT|Jamaica JM|Jordan JO|Kenya KE|
Kyrgyz Republic KG|Latvia LV|Liberia LR|Lithuania LT|Luxembourg LU|Malawi MW|Mexico MX|
Moldova MD|Mongolia MN|Montenegro ME|Morocco MA|Netherlands NL|New Zealand NZ|Nigeria NG|
North Macedonia MK|Norway NO|Pakistan PK|Panama PA|Paraguay PY|Peru PE|Philippines PH|
Portugal PT|Romania RO|Senegal SN|Serbia RS|Seychelles SC|Sierra Leone SL|Slovakia SK|
South Africa ZA|South Korea KR|Spain ES|Sri Lanka LK|Sweden SE|Tunisia TN|Ukraine UA|
United Kingdom UK|United States US|Uruguay UY|Zambia ZM
"""

_LOCAL = """
Austin, United States|Buenos Aires, Argentina|Paris, France|Madrid, Spain|
Scotland, United Kingdom|Sekondi-Takoradi, Ghana|Kaduna State, Nigeria|Elgeyo Marakwet, Kenya|
South Cotabato, Philippines|Athens, Greece|New York City, United States|Tbilisi, Georgia|
Bogotá, Colombia|Jalisco, Mexico|La Libertad, Peru|Seoul, South Korea|Ontario, Canada|
Quebec, Canada|Basque Country, Spain|Catalonia, Spain|Nairobi, Kenya|Makueni, Kenya|
Nariño, Colombia|São Paulo, Brazil|Kigoma, Tanzania|Iași, Romania|Kutaisi, Georgia|
Ternopil, Ukraine|Banggai, Indonesia|Bojonegoro, Indonesia|Semarang, Indonesia|
Jakarta, Indonesia|Tirana, Albania|Elbasan, Albania|Sarajevo, Bosnia and Herzegovina|
Skopje, North Macedonia|Bucharest, Romania|Cluj-Napoca, Romania|Kharkiv, Ukraine|
Lviv, Ukraine|Kyiv, Ukraine|Ulaanbaatar, Mongolia|Khentii, Mongolia|Gwangju, South Korea|
Córdoba, Argentina|Mendoza, Argentina|Santa Fe, Argentina|Salta, Argentina|
Corrientes, Argentina|Chubut, Argentina|Santiago, Chile|Valparaíso, Chile|
Montevideo, Uruguay|Asunción, Paraguay|Quito, Ecuador|Guayaquil, Ecuador|Lima, Peru|
Cusco, Peru|Arequipa, Peru|La Paz, Bolivia|Medellín, Colombia|Cali, Colombia|
Barranquilla, Colombia|Panama City, Panama|San José, Costa Rica|Guatemala City, Guatemala|
Tegucigalpa, Honduras|San Salvador, El Salvador|Santo Domingo, Dominican Republic|
Mexico City, Mexico|Oaxaca, Mexico|Nuevo León, Mexico|Chihuahua, Mexico|Puebla, Mexico|
Kingston, Jamaica|Toronto, Canada|Montreal, Canada|Vancouver, Canada|Detroit, United States|
Chicago, United States|Seattle, United States|Boston, United States|Denver, United States|
Dublin, Ireland|Cork, Ireland|Lisbon, Portugal|Porto, Portugal|Barcelona, Spain|
Valencia, Spain|Seville, Spain|Bilbao, Spain|Milan, Italy|Rome, Italy|Turin, Italy|
Naples, Italy|Berlin, Germany|Hamburg, Germany|Munich, Germany|Amsterdam, Netherlands|
Rotterdam, Netherlands|Utrecht, Netherlands|Brussels, Belgium|Ghent, Belgium|
Helsinki, Finland|Tampere, Finland|Stockholm, Sweden|Gothenburg, Sweden|Oslo, Norway|
Copenhagen, Denmark|Tallinn, Estonia|Riga, Latvia|Vilnius, Lithuania|Warsaw, Poland|
Kraków, Poland|Prague, Czech Republic|Brno, Czech Republic|Bratislava, Slovakia|
Košice, Slovakia|Zagreb, Croatia|Split, Croatia|Belgrade, Serbia|Novi Sad, Serbia|
Podgorica, Montenegro|Chișinău, Moldova|Yerevan, Armenia|Gyumri, Armenia|Amman, Jordan|
Irbid, Jordan|Tunis, Tunisia|Sfax, Tunisia|Rabat, Morocco|Tangier, Morocco|Dakar, Senegal|
Freetown, Sierra Leone|Monrovia, Liberia|Accra, Ghana|Kumasi, Ghana|Lagos State, Nigeria|
Plateau State, Nigeria|Kano State, Nigeria|Kampala, Uganda|Kigali, Rwanda|Lusaka, Zambia|
Lilongwe, Malawi|Cape Town, South Africa|Durban, South Africa|Colombo, Sri Lanka|
Kathmandu, Nepal|Manila, Philippines|Quezon City, Philippines|Cebu, Philippines|
Iloilo, Philippines|Davao, Philippines|Auckland, New Zealand|Wellington, New Zealand|
Melbourne, Australia|Sydney, Australia
"""

# Members whose pages the synthetic site also shows in the Spanish interface.
SPANISH_SPEAKING = frozenset(
    {
        "Argentina",
        "Bolivia",
        "Chile",
        "Colombia",
        "Costa Rica",
        "Dominican Republic",
        "Ecuador",
        "El Salvador",
        "Guatemala",
        "Honduras",
        "Mexico",
        "Panama",
        "Paraguay",
        "Peru",
        "Spain",
        "Uruguay",
    }
)


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # "Paris, France"
    slug: str  # "paris-france"
    prefix: str  # ID letters: "PAR"
    local: bool
    country: str  # the country the member is in ("France"); itself for a national member

    @property
    def spanish(self) -> bool:
        return self.country in SPANISH_SPEAKING


def _entries(table: str) -> list[str]:
    return [entry.strip() for entry in table.replace("\n", "").split("|") if entry.strip()]


def _national() -> list[Member]:
    members = []
    for entry in _entries(_NATIONAL):
        name, prefix = entry.rsplit(" ", 1)
        members.append(Member(name, slugify(name), prefix, local=False, country=name))
    return members


def _local_prefix(city: str, country_code: str, taken: set[str]) -> str:
    letters = slugify(city).replace("-", "").upper()
    # Like PAR/SEK (city letters) first, then like NGKD (country code + city letters).
    for candidate in (
        letters[:3],
        country_code + letters[:2],
        letters[:4],
        country_code + letters[::2][:2],
    ):
        if candidate.isalpha() and candidate not in taken:
            return candidate
    raise ValueError(f"no free ID prefix for {city!r}")


def _local(codes: dict[str, str]) -> list[Member]:
    members: list[Member] = []
    taken: set[str] = set()
    for entry in _entries(_LOCAL):
        city, country = (part.strip() for part in entry.split(",", 1))
        prefix = _local_prefix(city, codes.get(country, country[:2].upper()), taken)
        taken.add(prefix)
        name = f"{city}, {country}"
        members.append(Member(name, slugify(name), prefix, local=True, country=country))
    return members


@cache
def all_members() -> tuple[Member, ...]:
    """National members first, then local ones; names, slugs and prefixes are unique."""
    national = _national()
    return tuple(national + _local({m.name: m.prefix for m in national}))


def members(count: int) -> tuple[Member, ...]:
    """The first ``count`` members, a third of them national (as on the real site)."""
    everyone = all_members()
    if not 1 <= count <= len(everyone):
        raise ValueError(f"members must be between 1 and {len(everyone)}, got {count}")
    national = [m for m in everyone if not m.local]
    local = [m for m in everyone if m.local]
    national_count = min(len(national), max(1, round(count / 3)))
    return tuple(national[:national_count] + local[: count - national_count])
