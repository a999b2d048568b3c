"""A deterministic generator of realistic ``eel-dataset/1`` data (demo and benchmark data).

Pure Python on purpose: the standard library only (``random.Random(seed)`` is the only source of chance),
no Django, no clock, no iteration over sets or hash-ordered collections. The same arguments give the same
dictionary in every process, so ``json.dumps(..., indent=1, sort_keys=False, ensure_ascii=False)`` of two runs is
byte-identical. Everything is generated in one pass per academic year; the work is linear in the number of
students (60,000 students take well under a minute).

What the data looks like (see ``shared/spec/dataset.md`` for the format and ``rules.md`` for the rules):

- Academic years with the periods S1, S2, YEAR and the exam periods JAN, JUN (opportunity 1) and SEP
  (opportunity 2). 2026-2027 has exactly the dates of dataset.md; other years start on the Monday of ISO week
  38 and keep the same offsets (so weekdays stay the same); the YEAR deregistration deadline is 15 December
  (UH 3.4, EN-6).
- Programmes of every kind (bachelor, master and bridging always; preparatory, advanced bachelor and master,
  postgraduate and associate from 1,000 students on). Sizes follow a Zipf-like curve: a few programmes with
  thousands of students, many small ones. Bachelors have three stages of exactly 60 credits (stage 1 is
  package 1, stages 2 and 3 package 2). Masters and other programmes have a core and a choice of tracks
  ("afstudeerrichtingen") per stage; a student takes the core plus one track.
- Students: first-year (generation) bachelor students take the full 60 credits of stage 1 (EN-2); returning
  students take what they still miss from the lowest stage plus units of the next stage, 45-72 credits where
  the programme has that many left, never more than 72 per year over all contracts at any moment (EN-3).
  Contracts are mostly diploma contracts, with some credit and exam contracts. A few units are added in
  October, some removed (before and after the 1 December / 15 March cut-offs of LA-6), some exempted; a few
  students withdraw (before 1 December, between 1 December and 15 March, after 15 March) and a few change
  programme (the old contract is deregistered on the day the new one starts; the two never overlap).
- Results are simulated for every line that reaches its exam; a result is written only when its exam period
  publishes on or before ``results_until``. The simulated (unwritten) outcomes still drive the next year so
  that later years stay plausible. Master students who complete their programme get a degree on the
  publication date of the results that complete it (written only when on or before ``results_until``).
- Second opportunity (EX-2): most failed units with two opportunities are registered between 11 July and
  8 August (a registration is written when on or before ``results_until``); once 8 August has passed
  (``results_until`` after it) every failed unit that was not registered has the ``A`` the EX-2 sweep records,
  as a result with ``"opportunity": 2, "grade": "absent"`` (the file holds no deliberation decisions, so no fail
  counts as tolerated, as the sweep would find). Sections ``second_opportunity_registrations`` and ``appeals``
  follow dataset.md "Sections added by later features".
- Appeals (AP-1..3): about one failed result in 200 leads to an appeal of that period's exam decision, and a
  few students appeal another study-progress decision in the autumn; about one in ten is posted after the
  7 days. They draw from a random stream of their own, so ``results_until`` changes nothing else.
- Programmes have 20-60 course units; small programmes offer more tracks (electives) to get there.
- A conservative estimate of each learning account (LA-2..5: deductions, restitutions with the bachelor
  bonus; refunds ignored) caps what a student can take (UH 1.3.2) and stops students whose account is used
  up (LA-14).
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

__all__ = ["FORMAT", "REGULATIONS", "generate"]

FORMAT = "eel-dataset/1"
REGULATIONS = "uhasselt-2026-2027"
MAX_CREDITS = 72  # EN-3 (UH 4.3)
MIN_CREDITS = 45  # EN-3 (UH 4.3)
APPEAL_RATE = 0.005  # chance that a failed (published) result leads to an internal appeal of the exam decision
OTHER_APPEAL_RATE = 0.0006  # per contract: an appeal of another study-progress decision (AP-1)
OTHER_DECISIONS = ("exemption", "learning_account_refusal", "study_progress_measure", "unit_refusal")

# --------------------------------------------------------------------------------------------------------------
# Calendar. The 2026-2027 dates are those of dataset.md; other years use the same offsets from their start.

_REF_START = date(2026, 9, 14)
_REF_END = date(2027, 9, 12)
_REF_PERIODS = [
    # code, semester, starts_on, lessons_end_on, ends_on, deregistration_deadline
    ("S1", 1, date(2026, 9, 14), date(2026, 12, 23), date(2027, 2, 7), date(2026, 11, 8)),
    ("S2", 2, date(2027, 2, 8), date(2027, 5, 21), date(2027, 7, 4), date(2027, 3, 28)),
    ("YEAR", 1, date(2026, 9, 14), date(2027, 5, 21), date(2027, 7, 4), date(2026, 12, 15)),
]
_REF_EXAMS = [
    # code, opportunity, starts_on, ends_on, results_published_on
    ("JAN", 1, date(2027, 1, 4), date(2027, 2, 5), date(2027, 2, 12)),
    ("JUN", 1, date(2027, 6, 1), date(2027, 7, 2), date(2027, 7, 9)),
    ("SEP", 2, date(2027, 8, 16), date(2027, 9, 8), date(2027, 9, 10)),
]
PERIOD_EXAM = {"S1": "JAN", "S2": "JUN", "YEAR": "JUN"}

_ISO_CACHE: dict[int, str] = {}


def _iso(ordinal: int | None) -> str | None:
    """An ordinal day as ``YYYY-MM-DD`` (cached: the same few hundred dates occur millions of times)."""
    if ordinal is None:
        return None
    s = _ISO_CACHE.get(ordinal)
    if s is None:
        s = _ISO_CACHE[ordinal] = date.fromordinal(ordinal).isoformat()
    return s


class _Year:
    """One academic year; every date is kept as a proleptic ordinal (int) for speed."""

    def __init__(self, code: str, index: int):
        first = int(code[:4])
        if not re.fullmatch(r"\d{4}-\d{4}", code) or int(code[5:]) != first + 1:
            raise ValueError(f"not an academic year code: {code!r}")
        self.code = code
        self.index = index
        self.yy = first % 100
        start = _REF_START if first == 2026 else date.fromisocalendar(first, 38, 1)
        shift = (start - _REF_START).days
        self.start_date = start
        self.start = start.toordinal()
        self.end = self.start + (_REF_END - _REF_START).days
        self.periods = {}
        for pcode, semester, s, lessons, e, dereg in _REF_PERIODS:
            dereg_ord = date(first, 12, 15).toordinal() if pcode == "YEAR" else dereg.toordinal() + shift
            self.periods[pcode] = (semester, s.toordinal() + shift, lessons.toordinal() + shift,
                                   e.toordinal() + shift, dereg_ord)
        self.exams = {
            ecode: (opp, s.toordinal() + shift, e.toordinal() + shift, pub.toordinal() + shift)
            for ecode, opp, s, e, pub in _REF_EXAMS
        }
        self.dec1 = date(first, 12, 1).toordinal()  # LA-6 cut-off, semester 1
        self.mar15 = date(first + 1, 3, 15).toordinal()  # LA-6 cut-off, semester 2
        self.oct1 = date(first, 10, 1).toordinal()
        self.oct31 = date(first, 10, 31).toordinal()
        self.may31 = date(first + 1, 5, 31).toordinal()
        self.register_as_of = date(first, 8, 1).toordinal()  # learning-account register extract
        # EX-2 (UH 12.2.5): second-opportunity registration runs from 11 July to 8 August of the year's summer.
        self.reg_opens = date(first + 1, 7, 11).toordinal()
        self.reg_closes = date(first + 1, 8, 8).toordinal()

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "starts_on": _iso(self.start),
            "ends_on": _iso(self.end),
            "periods": [
                {"code": code, "semester": sem, "starts_on": _iso(s), "lessons_end_on": _iso(lessons),
                 "ends_on": _iso(e), "deregistration_deadline": _iso(dereg)}
                for code, (sem, s, lessons, e, dereg) in self.periods.items()
            ],
            "exam_periods": [
                {"code": code, "opportunity": opp, "starts_on": _iso(s), "ends_on": _iso(e),
                 "results_published_on": _iso(pub)}
                for code, (opp, s, e, pub) in self.exams.items()
            ],
        }


# --------------------------------------------------------------------------------------------------------------
# Catalogue material.

_DISCIPLINES = [
    ("INF", "Informatics", ["Programming", "Databases", "Algorithms and Data Structures", "Computer Networks",
                            "Software Engineering", "Operating Systems", "Computer Architecture",
                            "Artificial Intelligence"]),
    ("BIO", "Biology", ["Cell Biology", "Genetics", "Ecology", "Botany", "Zoology", "Microbiology", "Evolution"]),
    ("CHE", "Chemistry", ["General Chemistry", "Organic Chemistry", "Analytical Chemistry", "Physical Chemistry",
                          "Inorganic Chemistry", "Spectroscopy"]),
    ("PHY", "Physics", ["Mechanics", "Electromagnetism", "Quantum Physics", "Thermodynamics", "Optics",
                        "Solid State Physics"]),
    ("MAT", "Mathematics", ["Linear Algebra", "Calculus", "Real Analysis", "Probability Theory", "Abstract Algebra",
                            "Geometry", "Numerical Methods"]),
    ("BMW", "Biomedical Sciences", ["Anatomy", "Physiology", "Biochemistry", "Immunology", "Pharmacology",
                                    "Molecular Biology"]),
    ("GNK", "Medicine", ["Human Anatomy", "Clinical Skills", "Pathology", "Internal Medicine", "Neurology",
                         "Medical Physiology"]),
    ("REV", "Rehabilitation Sciences and Physiotherapy", ["Kinesiology", "Exercise Physiology",
                                                          "Musculoskeletal Rehabilitation",
                                                          "Neurological Rehabilitation", "Motor Control"]),
    ("REC", "Law", ["Constitutional Law", "Civil Law", "Criminal Law", "Contract Law", "Administrative Law",
                    "European Law", "Tax Law"]),
    ("HIR", "Business Engineering", ["Accounting", "Finance", "Operations Research", "Marketing",
                                     "Microeconomics", "Supply Chain Management"]),
    ("TEW", "Business Economics", ["Macroeconomics", "Microeconomics", "Financial Accounting", "Corporate Finance",
                                   "Marketing Management", "Econometrics"]),
    ("HAN", "Business Administration", ["Management", "Human Resource Management", "Organisational Behaviour",
                                        "Business Strategy"]),
    ("ARC", "Architecture", ["Architectural Design", "Construction Technology", "Architectural History",
                             "Urban Design", "Building Physics"]),
    ("INA", "Interior Architecture", ["Interior Design", "Materials and Finishes", "Furniture Design",
                                      "Lighting Design", "Retail Design"]),
    ("IIW", "Industrial Engineering", ["Mechanics of Materials", "Electrical Machines", "Control Engineering",
                                       "Applied Thermodynamics", "Computer-Aided Design"]),
    ("EKT", "Electronics and ICT Engineering", ["Digital Electronics", "Embedded Systems", "Signal Processing",
                                                "Telecommunications"]),
    ("BOU", "Civil Engineering", ["Structural Analysis", "Concrete Structures", "Geotechnics", "Hydraulics",
                                  "Road Engineering"]),
    ("CHT", "Chemical Engineering Technology", ["Process Engineering", "Reactor Engineering", "Unit Operations",
                                                "Polymer Technology"]),
    ("ENE", "Energy Engineering", ["Renewable Energy", "Power Systems", "Energy Storage", "Smart Grids"]),
    ("MOB", "Mobility Sciences", ["Traffic Safety", "Transport Economics", "Traffic Engineering",
                                  "Mobility Policy"]),
    ("DAT", "Data Science", ["Machine Learning", "Data Visualisation", "Big Data Technology",
                             "Statistical Learning"]),
    ("STA", "Statistics", ["Statistical Inference", "Regression Models", "Survival Analysis",
                           "Bayesian Statistics", "Mixed Models"]),
    ("EDU", "Teacher Education", ["Didactics", "Educational Psychology", "Classroom Management",
                                  "Curriculum Design"]),
    ("PSY", "Psychology", ["Developmental Psychology", "Cognitive Psychology", "Social Psychology",
                           "Psychometrics"]),
    ("NUR", "Nursing", ["Nursing Care", "Health Promotion", "Clinical Nursing", "Pharmacology for Nurses"]),
    ("MGT", "Management", ["Strategic Management", "Leadership", "Change Management", "Operations Management"]),
    ("ENV", "Environmental Science", ["Environmental Chemistry", "Ecotoxicology", "Environmental Policy",
                                      "Soil Science"]),
    ("MAR", "Materials Physics", ["Materials Characterisation", "Nanomaterials", "Thin Films",
                                  "Semiconductor Physics"]),
    ("HIS", "History", ["Medieval History", "Modern History", "Historiography", "Contemporary History"]),
    ("COM", "Communication Sciences", ["Media Studies", "Journalism", "Public Relations", "Media Law"]),
    ("SOC", "Sociology", ["Social Theory", "Survey Methods", "Urban Sociology", "Sociology of Work"]),
    ("ECO", "Economics", ["Public Economics", "International Trade", "Labour Economics", "Monetary Policy"]),
    ("FIN", "Finance", ["Investment Analysis", "Risk Management", "Financial Markets", "Banking"]),
    ("ACC", "Accountancy and Taxation", ["Auditing", "Corporate Tax", "Management Accounting",
                                         "Bookkeeping"]),
    ("MKT", "Marketing", ["Consumer Behaviour", "Digital Marketing", "Brand Management", "Market Research"]),
    ("PHA", "Pharmaceutical Sciences", ["Pharmacotherapy", "Medicinal Chemistry", "Pharmaceutics",
                                        "Pharmacognosy"]),
    ("NUT", "Nutrition and Dietetics", ["Human Nutrition", "Dietetics", "Food Science", "Clinical Nutrition"]),
    ("OCC", "Occupational Therapy", ["Activities of Daily Living", "Assistive Technology", "Ergonomics",
                                     "Paediatric Occupational Therapy"]),
    ("SPO", "Sports Sciences", ["Training Methods", "Sports Psychology", "Biomechanics", "Sports Management"]),
    ("GRA", "Graphic and Digital Media", ["Typography", "Web Design", "Motion Design", "Photography"]),
    ("ICT", "Applied Computer Science", ["Web Development", "Mobile Apps", "Cloud Computing",
                                         "Network Administration"]),
    ("LOG", "Logistics", ["Warehouse Management", "Freight Transport", "Purchasing", "Customs and Trade"]),
    ("SOW", "Social Work", ["Social Policy", "Case Work", "Community Work", "Youth Welfare"]),
    ("OFF", "Office Management", ["Business Communication", "Office Software", "Event Management",
                                  "Business French"]),
    ("AUT", "Automotive Technology", ["Engine Technology", "Vehicle Electronics", "Diagnostics",
                                      "Electric Vehicles"]),
    ("CNS", "Construction", ["Building Technology", "Site Management", "Estimating", "Building Services"]),
]
_ASSOCIATE_CODES = ["ICT", "LOG", "OFF", "AUT", "CNS", "SOW", "GRA", "ACC", "MKT", "NUR"]
_PROFESSIONAL_ONLY = {"ICT", "LOG", "OFF", "AUT", "CNS", "GRA"}  # associate degrees and advanced bachelors only

_GENERIC_TOPICS = [
    "Introduction to {d}", "Foundations of {d}", "Research Methods in {d}", "{d} Seminar", "Academic Writing",
    "Statistics", "Ethics and Professional Practice", "Data Analysis", "Project Management",
    "Communication Skills", "Case Studies in {d}", "Current Issues in {d}", "Advanced Topics in {d}",
    "Laboratory Work", "Modelling and Simulation", "Law and Society", "Economics for {d}",
    "Philosophy of Science", "Innovation and Entrepreneurship", "History of {d}", "Quality Management",
    "Sustainability", "Integrated Project", "Scientific English", "Mathematics for {d}",
]
_ROMAN = ["", " II", " III", " IV", " V", " VI", " VII", " VIII"]

# kind: (programme code prefix, unit code suffix, name template)
_KINDS = {
    "bachelor": ("BA", "", "Bachelor of {d}"),
    "master": ("MA", "M", "Master of {d}"),
    "bridging": ("SP", "S", "Bridging Programme to the Master of {d}"),
    "preparatory": ("VP", "V", "Preparatory Programme to the Master of {d}"),
    "advanced_bachelor": ("BNB", "B", "Advanced Bachelor of {d}"),
    "advanced_master": ("MNM", "X", "Advanced Master of {d}"),
    "postgraduate": ("PG", "P", "Postgraduate Certificate in {d}"),
    "associate": ("GR", "G", "Associate Degree in {d}"),
}
# Share of the diploma students per kind (small datasets have the first three kinds only).
_KIND_SHARE_SMALL = {"bachelor": 0.58, "master": 0.30, "bridging": 0.12}
_KIND_SHARE = {"bachelor": 0.50, "master": 0.24, "bridging": 0.07, "preparatory": 0.02, "advanced_bachelor": 0.02,
               "advanced_master": 0.04, "postgraduate": 0.05, "associate": 0.06}
# Unit credit weights (3-9 credits, mostly 3-6).
_W_DEFAULT = ((3, 4, 5, 6, 7, 8, 9), (20, 18, 20, 30, 4, 3, 5))
_W_SMALL = ((3, 4, 5, 6, 7, 8, 9), (42, 26, 12, 16, 1, 1, 2))

_FIRST_NAMES = [
    "An", "Lotte", "Emma", "Lars", "Wout", "Jana", "Noor", "Ruben", "Arne", "Sien", "Lien", "Jens", "Thibault",
    "Femke", "Margot", "Elise", "Hanne", "Stijn", "Pieter", "Kobe", "Seppe", "Mathis", "Senne", "Lore", "Fien",
    "Ine", "Bram", "Tuur", "Wannes", "Jolien", "Ellen", "Nele", "Bert", "Joris", "Jef", "Lieselot", "Anouk",
    "Marie", "Louise", "Zoë", "Anaïs", "Chloë", "Noë", "Febe", "Roel", "Dries", "Sander", "Jonas", "Thomas",
    "Lukas", "Robbe", "Milan", "Nina", "Julie", "Laura", "Sarah", "Eline", "Kato", "Mila", "Ward", "Gilles",
    "Maxime", "Axelle", "Yana", "Amber", "Koen", "Griet", "Hannelore", "Lowie", "Vic", "Staf", "Mauro", "Ilias",
    "Yasmine", "Aïcha", "Mehmet", "Elif", "Inès", "Jérôme", "Céline", "Bjorn", "Kaat", "Marthe", "Jorre",
    "Tibo", "Lisa", "Britt", "Silke", "Lena", "Ferre", "Mats", "Warre", "Rune", "Emiel", "Hélène", "Lucas",
]
_LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
    "Dubois", "Hermans", "Aerts", "Pauwels", "Vermeulen", "Van Damme", "Martens", "Claessens", "Vandenberghe",
    "Van den Broeck", "Smets", "Michiels", "Vos", "Bogaerts", "Stevens", "De Cock", "Verhoeven", "Lambrechts",
    "Coppens", "Vanhove", "Geerts", "Vermeiren", "Cools", "Thys", "Vanderlinden", "Schepers", "Gielen",
    "Vanhoutte", "Daems", "Nijs", "Timmermans", "Reynders", "Lenaerts", "Swinnen", "Moens", "Bosmans", "Verbeke",
    "Dewitte", "Hendrickx", "Vandeweyer", "Bollen", "Kerkhofs", "Ceyssens", "Vanderhoydonck", "Nulens",
    "Vrancken", "Wuyts", "Lemmens", "Coenen", "Vangeel", "Cuypers", "Bex", "Jans", "Raets", "Stulens",
    "Hoydonckx", "Claesen", "Ramaekers", "Voets", "Meuwis", "Schoofs", "Luyten", "Dirix", "Vanheusden",
    "Dexters", "Eerdekens", "D'Hondt", "Van Hoof", "Op de Beeck", "Verstraeten", "Vercammen", "Degryse",
    "Vandecasteele", "Desmet", "Baert", "Van Acker", "Deprez", "Ruelens", "Mommen", "Vanbrabant", "Loos",
    "Van Gestel", "Croonenborghs", "Plessers", "Vanoppen", "Hasselmans", "Dejonghe", "Heylen", "Noëth",
    "El Amrani", "Yilmaz", "Kaya", "Nowak",
]
_CITIES = [  # (city, postcode, weight): mostly Limburg, some from the rest of Flanders and Brussels
    ("Hasselt", "3500", 14), ("Genk", "3600", 10), ("Diepenbeek", "3590", 5), ("Sint-Truiden", "3800", 6),
    ("Tongeren", "3700", 5), ("Beringen", "3580", 5), ("Lommel", "3920", 4), ("Maasmechelen", "3630", 4),
    ("Bilzen", "3740", 4), ("Lanaken", "3620", 3), ("Houthalen-Helchteren", "3530", 4), ("Heusden-Zolder", "3550", 4),
    ("Zonhoven", "3520", 3), ("Lummen", "3560", 2), ("Herk-de-Stad", "3540", 2), ("Maaseik", "3680", 3),
    ("Bree", "3960", 2), ("Peer", "3990", 2), ("Leuven", "3000", 3), ("Diest", "3290", 2), ("Tienen", "3300", 1),
    ("Aarschot", "3200", 1), ("Antwerpen", "2000", 3), ("Mechelen", "2800", 1), ("Turnhout", "2300", 1),
    ("Geel", "2440", 2), ("Mol", "2400", 2), ("Gent", "9000", 1), ("Brugge", "8000", 1), ("Kortrijk", "8500", 1),
    ("Aalst", "9300", 1), ("Brussel", "1000", 1),
]
_STREETS = [
    "Stationsstraat", "Kerkstraat", "Dorpsstraat", "Nieuwstraat", "Molenstraat", "Schoolstraat", "Kapelstraat",
    "Beekstraat", "Lindenlaan", "Kastanjelaan", "Grote Markt", "Sint-Jansstraat", "Koning Albertstraat",
    "Kempische Steenweg", "Bosstraat", "Veldstraat", "Heideweg", "Hoogstraat", "Zavelstraat", "Kiezelweg",
    "Weg naar As", "Diestersteenweg", "Maastrichterstraat", "Leopoldplein", "Boudewijnlaan", "Gasthuisstraat",
]


def _ascii(name: str) -> str:
    """An ASCII e-mail part: diacritics dropped, spaces and apostrophes removed."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", plain)


# --------------------------------------------------------------------------------------------------------------
# Internal records (slots: millions of them are made for a large dataset).


class _Unit:
    __slots__ = ("code", "name", "credits", "period", "exam", "stage", "package", "result_kind", "tolerance_excluded",
                 "opportunities", "programme", "difficulty")

    def as_json(self) -> dict:
        return {
            "code": self.code, "name": self.name, "credits": self.credits, "period": self.period,
            "exam_period": self.exam, "stage": self.stage, "package": self.package, "result_kind": self.result_kind,
            "tolerance_excluded": self.tolerance_excluded, "opportunities": self.opportunities,
        }


class _Programme:
    __slots__ = ("index", "code", "name", "kind", "credits", "discipline", "stages", "units", "weight")
    # stages: list of (core units, list of tracks (each a list of units))


class _Student:
    __slots__ = ("order", "number", "ability", "acquired", "tracks", "balance", "bonus_left", "main", "withdrawn",
                 "year", "load", "json", "master")


class _Contract:
    __slots__ = ("order", "student", "programme", "kind", "enrolled", "dereg", "reason", "lines", "load",
                 "uses_account", "entry", "changed_in", "taken", "earned", "sep_needed")

    def __init__(self, student, programme, kind, enrolled, units, exempt_p, rng, entry=False):
        self.student = student
        self.programme = programme
        self.kind = kind
        self.enrolled = enrolled
        self.dereg = None
        self.reason = None
        rand = rng.random
        # a line: [unit, added_on, removed_on, exempted]
        self.lines = [[u, enrolled, None, exempt_p > 0 and rand() < exempt_p] for u in units]
        self.load = sum(u.credits for u in units)
        self.uses_account = kind == "credit" or (kind == "diploma" and programme.kind in ("bachelor", "master"))
        self.entry = entry
        self.changed_in = False
        self.taken = 0
        self.earned = 0
        self.sep_needed = False


def _allocate(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each at least ``minimum``
    when the total allows it."""
    n = len(weights)
    if n == 0:
        return []
    if minimum * n > total:
        minimum = total // n
    rest = total - minimum * n
    s = sum(weights)
    raw = [rest * w / s for w in weights]
    out = [int(r) for r in raw]
    left = rest - sum(out)
    order = sorted(range(n), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:left]:
        out[i] += 1
    return [o + minimum for o in out]


class _Generator:
    def __init__(self, students: int, seed: int, years: tuple[str, ...], results_until: str):
        if students < 1:
            raise ValueError("students must be at least 1")
        self.rng = random.Random(seed)
        # Appeals draw from their own stream, so that what ``results_until`` lets through never changes the rest.
        self.appeal_rng = random.Random(f"appeals-{seed}")
        self.n = students
        self.years = [_Year(code, i) for i, code in enumerate(years)]
        if not self.years:
            raise ValueError("at least one academic year is needed")
        for a, b in zip(self.years, self.years[1:], strict=False):
            if b.start <= a.start:
                raise ValueError("academic years must be given in increasing order")
        self.until = date.fromisoformat(results_until).toordinal()
        self.students_json: list[dict] = []
        self.enrolments: list[dict] = []
        self.results: list[dict] = []
        self.degrees: list[dict] = []
        self.registrations: list[dict] = []
        self.appeals: list[tuple] = []  # (received, postmarked, notified, student, decision kind)
        self.failed_at: list[tuple[str, str]] = []
        self.serial: dict[int, int] = {}
        self.order = 0
        self.contract_order = 0

    # ---------------------------------------------------------------------------------------------- catalogue

    def _split(self, total: int, weights) -> list[int]:
        """Credits of 3-9 (mostly 3-6) summing to ``total`` (at least 3)."""
        rng = self.rng
        values, w = weights
        cum = list(accumulate(w))
        parts, rem = [], total
        while rem > 0:
            if rem <= 9:
                if rem > 6 and rng.random() < 0.7:
                    parts.extend((3, rem - 3))
                else:
                    parts.append(rem)
                break
            c = values[bisect_right(cum, rng.random() * cum[-1])]
            if rem - c < 3:
                continue
            parts.append(c)
            rem -= c
        rng.shuffle(parts)
        return parts

    def _build_catalogue(self):
        rng, n = self.rng, self.n
        root = math.sqrt(n)
        large = n >= 1000
        counts = {"bachelor": max(1, int(root / 9.5)), "master": max(2, int(root / 7)),
                  "bridging": max(1, int(root / 25))}
        if large:
            counts.update(preparatory=max(1, int(root / 60)), advanced_bachelor=max(1, int(root / 80)),
                          advanced_master=max(1, int(root / 30)), postgraduate=max(1, int(root / 30)),
                          associate=max(1, int(root / 40)))
        shares = _KIND_SHARE if large else _KIND_SHARE_SMALL
        by_code = {d[0]: d for d in _DISCIPLINES}
        self.programmes: list[_Programme] = []
        self.by_kind: dict[str, list[_Programme]] = {}
        academic = [d for d in _DISCIPLINES if d[0] not in _PROFESSIONAL_ONLY]
        for kind in _KINDS:
            if kind not in counts:
                continue
            if kind == "associate":
                pool = [by_code[c] for c in _ASSOCIATE_CODES]
            elif kind == "advanced_bachelor":
                pool = _DISCIPLINES
            elif kind in ("bridging", "preparatory"):
                # towards a master that exists in the dataset
                pool = [by_code[p.discipline] for p in self.by_kind["master"]]
            else:
                pool = academic
            chosen = rng.sample(pool, min(counts[kind], len(pool)))
            if kind == "master":
                # a master after (almost) every bachelor, big after big, then masters without a bachelor
                with_bachelor = [by_code[p.discipline] for p in self.by_kind["bachelor"]]
                chosen = (with_bachelor + [d for d in chosen if d not in with_bachelor])[:len(chosen)]
            harmonic = sum(1 / (i + 1) ** 1.05 for i in range(len(chosen)))
            progs = []
            for rank, disc in enumerate(chosen):
                p = self._programme(kind, disc)
                p.weight = shares[kind] * (1 / (rank + 1) ** 1.05) / harmonic
                progs.append(p)
            self.by_kind[kind] = progs
            self.programmes.extend(progs)
        for i, p in enumerate(self.programmes):
            p.index = i
        self.by_discipline = {(p.kind, p.discipline): p for p in self.programmes}

    def _programme(self, kind: str, disc) -> _Programme:
        rng = self.rng
        dcode, dname, topics = disc
        prefix, suffix, template = _KINDS[kind]
        p = _Programme()
        p.code, p.name, p.kind, p.discipline = f"{prefix}-{dcode}", template.format(d=dname), kind, dcode
        unit_prefix = dcode + suffix
        # Layout per stage: (stage, core credits, number of tracks, credits per track, special units).
        # A special unit: (name, credits, period, result_kind, tolerance_excluded, opportunities)
        internship = ("Internship", rng.choice((6, 9)), "S2", rng.choice(("pass_fail", "numeric")), True, 1)
        if kind == "bachelor":
            p.credits = 180
            layout = [(1, 60, 0, 0, [("Academic Skills", 3, "S1", "pass_fail", False, 2)]),
                      (2, 60, 0, 0, []),
                      (3, 60, 0, 0, [("Bachelor's Thesis", 9, "YEAR", "numeric", True, 2)]
                       + ([internship] if rng.random() < 0.5 else []))]
            weights, min_units = _W_DEFAULT, 20
        elif kind == "master":
            p.credits = rng.choice((60, 60, 120))
            thesis = ("Master's Thesis", 9, "YEAR", "numeric", True, 2)
            extra = [internship] if rng.random() < 0.4 else []
            if p.credits == 60:
                layout = [(1, 30, 3, 30, [thesis] + extra)]
            else:
                layout = [(1, 60, 0, 0, []), (2, 30, 2, 30, [thesis] + extra)]
            weights, min_units = _W_DEFAULT, 20
        elif kind == "bridging":
            p.credits = rng.choice((60, 60, 90))
            if p.credits == 60:
                layout = [(1, 45, 3, 15, [])]
            else:
                layout = [(1, 60, 0, 0, []), (2, 15, 2, 15, [])]
            weights, min_units = _W_SMALL, 20
        elif kind == "preparatory":
            p.credits = rng.choice((45, 60))
            layout = [(1, p.credits - 15, 2, 15, [])]
            weights, min_units = _W_SMALL, 20
        elif kind in ("advanced_master", "advanced_bachelor"):
            p.credits = 60
            layout = [(1, 45, 2, 15, [("Capstone Project", 6, "YEAR", "numeric", True, 2)])]
            weights, min_units = _W_SMALL, 20
        elif kind == "postgraduate":
            p.credits = rng.choice((20, 30))
            layout = [(1, p.credits - 6, 2, 6, [("Portfolio", 3, "YEAR", "pass_fail", False, 1)])]
            weights, min_units = _W_SMALL, 20
        else:  # associate
            p.credits = rng.choice((90, 120))
            layout = [(1, 60, 0, 0, []),
                      (2, p.credits - 60, 0, 0, [("Workplace Learning", 9, "S2", "pass_fail", True, 1)])]
            weights, min_units = _W_SMALL, 20

        # Unit specifications per block (a stage's core or one of its tracks):
        # [name or None, credits, period, result_kind, tolerance_excluded, opportunities]
        def block(credits, fixed):
            rest = credits - sum(f[1] for f in fixed)
            specs, acc = [], 0
            for c in (self._split(rest, weights) if rest > 0 else []):
                # half of the credits in S1, half in S2, now and then a year-long unit
                period = "YEAR" if rng.random() < 0.05 else ("S1" if acc + c / 2 <= rest / 2 else "S2")
                acc += c
                specs.append([None, c, period, "pass_fail" if rng.random() < 0.07 else "numeric",
                              rng.random() < 0.03, 2])
            return specs + [list(f) for f in fixed]

        layout_specs = [(stage, block(core, specials), [block(track_credits, []) for _ in range(n_tracks)])
                        for stage, core, n_tracks, track_credits, specials in layout]
        every = [spec for _, core, tracks in layout_specs for spec in core + [x for t in tracks for x in t]]
        # Small programmes offer more tracks (electives) until the catalogue has at least ``min_units`` units
        # (issue 8: 20-60 course units per programme); a student still takes one track per stage.
        with_tracks = [(i, credits) for i, (_, _, n, credits, _) in enumerate(layout) if n]
        while len(every) < min_units and with_tracks and len(layout_specs[with_tracks[0][0]][2]) < 12:
            for i, credits in with_tracks:
                track = block(credits, [])
                layout_specs[i][2].append(track)
                every.extend(track)
        while len(every) < min_units:
            # Too few units for the kind: split the largest regular unit (6-9 credits) in two.
            big = [spec for spec in every if spec[0] is None and spec[1] >= 6]
            if not big:
                break
            spec = max(big, key=lambda x: x[1])
            half = spec[1] // 2
            twin = list(spec)
            spec[1], twin[1] = half, spec[1] - half
            for _, core, tracks in layout_specs:
                for group in [core] + tracks:
                    for i, x in enumerate(group):
                        if x is spec:
                            group.insert(i + 1, twin)
                            break
            every.append(twin)

        pool = list(topics) + [t.format(d=dname) for t in _GENERIC_TOPICS]
        rng.shuffle(pool)
        period_order = {"S1": 0, "YEAR": 1, "S2": 2}
        used = [0]
        stages, units = [], []
        for stage, core_specs, track_specs in layout_specs:
            package = (1 if stage == 1 else 2) if kind == "bachelor" else None
            seq = 0
            groups = []
            for group in [core_specs] + track_specs:
                made = []
                for name, credits, period, result_kind, tol, opps in sorted(group, key=lambda x: period_order[x[2]]):
                    if name is None:
                        i = used[0]
                        used[0] += 1
                        name = pool[i % len(pool)] + _ROMAN[min(i // len(pool), len(_ROMAN) - 1)]
                    seq += 1
                    u = _Unit()
                    u.code = f"{unit_prefix}{stage}{seq:02d}0"
                    u.name, u.credits, u.period, u.exam = name, credits, period, PERIOD_EXAM[period]
                    u.stage, u.package, u.result_kind = stage, package, result_kind
                    u.tolerance_excluded, u.opportunities = tol, opps
                    u.programme = p
                    # first-year bachelor units are the hardest
                    u.difficulty = rng.gauss(0.7 if package == 1 else 0.0, 1.1)
                    made.append(u)
                groups.append(made)
            stages.append((groups[0], groups[1:]))
            units.extend(u for g in groups for u in g)
        p.stages, p.units = stages, units
        return p

    # ----------------------------------------------------------------------------------------------- students

    def _required(self, st: _Student, p: _Programme) -> list[_Unit]:
        """The units the student needs for the programme: every stage's core plus the chosen track."""
        out = []
        for si, (core, tracks) in enumerate(p.stages):
            out.extend(core)
            if tracks:
                key = (p.index, si)
                t = st.tracks.get(key)
                if t is None:
                    t = st.tracks[key] = self.rng.randrange(len(tracks))
                out.extend(tracks[t])
        return out

    def _plan(self, st: _Student, p: _Programme, cap: int, target: int, semester2_only: bool = False):
        """What the student takes: everything still missing from the lowest stage not yet completed (retakes
        first), then units of the following stages until ``target`` credits; never more than ``cap``."""
        acquired = st.acquired
        chosen, total, lowest = [], 0, None
        for u in self._required(st, p):
            if u.code in acquired or (semester2_only and u.period != "S2"):
                continue
            if lowest is None:
                lowest = u.stage
            elif u.stage > lowest and total >= target:
                break
            if total + u.credits <= cap:
                chosen.append(u)
                total += u.credits
        return chosen

    def _new_student(self, year: _Year, history: int, extra_age: int) -> _Student:
        rng = self.rng
        st = _Student()
        self.order += 1
        st.order = self.order
        serial = self.serial.get(year.yy, 0) + 1
        self.serial[year.yy] = serial
        st.number = f"{year.yy:02d}{serial:05d}"
        first = _FIRST_NAMES[int(rng.random() * len(_FIRST_NAMES))]
        last = _LAST_NAMES[int(rng.random() * len(_LAST_NAMES))]
        age = min(29, max(17, 18 + history + extra_age))
        start = year.start_date
        dob = date(start.year - age, start.month, start.day) - timedelta(days=1 + int(rng.random() * 364))
        city, postcode, _ = self.cities[bisect_right(self.city_cum, rng.random() * self.city_cum[-1])]
        street = f"{_STREETS[int(rng.random() * len(_STREETS))]} {1 + int(rng.random() * 180)}"
        fy = int(year.code[:4]) - history
        st.json = {
            "number": st.number,
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob.isoformat(),
            "email": f"{self.ascii_names[first]}.{self.ascii_names[last]}.{st.number}@example.org",
            "address": {"street": street, "postcode": postcode, "city": city, "country": "BE"},
            "first_enrolled_in_flemish_higher_education": f"{fy}-{fy + 1}",
        }
        self.students_json.append(st.json)
        st.ability = rng.gauss(0.0, 1.0)
        st.acquired = set()
        st.tracks = {}
        st.balance = 140
        st.bonus_left = 60
        st.main = None
        st.withdrawn = False
        st.year = -1
        st.load = 0
        st.master = None
        return st

    def _learning_account(self, st: _Student, year: _Year, needed: int, kind: str, bonus: int):
        """LA-1: the opening position imported from the register, for about a quarter of the students who
        studied before."""
        rng = self.rng
        # Master students usually come with a full account (bachelor credits restored with the bonus).
        low = max(20, min(needed, 200), 120 if kind == "master" else 0)
        balance = rng.randint(low, 200)
        master_obtained = kind in ("advanced_master", "postgraduate") and rng.random() < 0.15
        st.json["learning_account"] = {
            "balance": balance,
            "as_of": _iso(year.register_as_of),
            "bonus_credits_earned": bonus,
            "initial_master_obtained": master_obtained,
        }
        st.balance = balance
        st.bonus_left = 60 - bonus

    def _touch(self, st: _Student, k: int):
        if st.year != k:
            st.year, st.load = k, 0

    def _add_contract(self, contracts, st, p, kind, enrolled, units, exempt_p, entry=False):
        c = _Contract(st, p, kind, enrolled, units, exempt_p, self.rng, entry)
        self.contract_order += 1
        c.order = self.contract_order
        st.load += c.load
        if c.uses_account:
            st.balance -= sum(line[0].credits for line in c.lines if not line[3])
        contracts.append(c)
        return c

    def _enrolled_on(self, year: _Year) -> int:
        # Late August / early September, at the latest on the first day of the year.
        return year.start - int(self.rng.random() * 22)

    def _loose_units(self, st: _Student, p: _Programme, low: int, high: int) -> list[_Unit]:
        """A few units (``low``-``high`` credits) of any stage, for a credit or exam contract."""
        rng = self.rng
        target = rng.randint(low, high)
        chosen, total = [], 0
        for u in rng.sample(p.units, len(p.units)):
            if u.code in st.acquired:
                continue
            if total + u.credits <= target or total < low:
                if total + u.credits > high:
                    continue
                chosen.append(u)
                total += u.credits
                if total >= target:
                    break
        return chosen

    def _pick_programme(self, progs: list[_Programme]) -> _Programme:
        cum = list(accumulate(p.weight for p in progs))
        return progs[bisect_right(cum, self.rng.random() * cum[-1])] if len(progs) > 1 else progs[0]

    # ---------------------------------------------------------------------------------------------- newcomers

    def _newcomers(self, year: _Year, count: int, contracts: list[_Contract]):
        rng = self.rng
        k = year.index
        if count <= 0:
            return
        n_credit = max(2, round(0.04 * count)) if count >= 30 else (1 if count >= 10 else 0)
        n_exam = max(2, round(0.015 * count)) if count >= 30 else (1 if count >= 15 else 0)
        n_diploma = count - n_credit - n_exam
        slots = []
        weights = [p.weight * (self._inflow(p) if k else 1.0) for p in self.programmes]
        per_programme = _allocate(n_diploma, weights, 1 if k else 2)
        for p, n_p in zip(self.programmes, per_programme, strict=True):
            if n_p == 0:
                continue
            stages = len(p.stages)
            if k > 0:
                profiles = [("entry", 1, 1.0)]
            elif p.kind == "bachelor":
                profiles = [("entry", 1, 0.36), ("stage", 2, 0.22), ("stage", 3, 0.24), ("repeat", 1, 0.18)]
            elif stages == 2:
                profiles = [("entry", 1, 0.55 if p.kind != "bridging" else 0.7),
                            ("stage", 2, 0.45 if p.kind != "bridging" else 0.3)]
            else:
                profiles = [("entry", 1, 1.0)]
            for (profile, stage, _), m in zip(profiles, _allocate(n_p, [w for *_, w in profiles]), strict=True):
                slots.extend([(profile, stage, p)] * m)
        all_progs = self.programmes
        for _ in range(n_credit):
            slots.append(("credit", 0, self._pick_programme(all_progs)))
        for _ in range(n_exam):
            slots.append(("exam", 0, self._pick_programme(all_progs)))
        rng.shuffle(slots)

        history_entry = {"bachelor": (0, 0), "master": (3, 2), "bridging": (3, 4), "preparatory": (3, 4),
                         "advanced_bachelor": (3, 3), "advanced_master": (5, 3), "postgraduate": (4, 6),
                         "associate": (0, 0)}
        for profile, stage, p in slots:
            kind = p.kind
            # Years of earlier study, for the first academic year and the date of birth.
            if profile == "entry":
                base, spread = history_entry[kind]
                history = base + rng.randint(0, spread)
                if kind in ("bachelor", "associate") and rng.random() < 0.08:
                    history = rng.randint(1, 3)  # studied something else before: not a generation student
            elif profile == "stage":
                history = (stage - 1 if kind in ("bachelor", "associate") else (3 + stage) if kind == "master"
                           else 4) + (1 if rng.random() < 0.3 else 0)
            elif profile == "repeat":
                history = 1 + (1 if rng.random() < 0.3 else 0)
            else:
                history = 0 if rng.random() < 0.5 else rng.randint(1, 8)
            r = rng.random()
            if history == 0 and r < 0.12:
                extra_age = -1  # born late in the year: 17 when the year starts
            else:
                extra_age = 0 if r < 0.75 else (1 if r < 0.92 else rng.randint(2, 5))
            st = self._new_student(year, history, extra_age)
            if kind in ("master", "advanced_master", "postgraduate", "advanced_bachelor") and profile != "credit":
                st.ability += 0.4
            self._touch(st, k)
            enrolled = self._enrolled_on(year)
            bonus = 0
            if profile in ("credit", "exam"):
                units = self._loose_units(st, p, 6, 30 if profile == "credit" else 24)
                c = self._add_contract(contracts, st, p, profile, enrolled, units, 0.0)
                bonus = rng.randint(0, 60) if history else 0
            else:
                required = self._required(st, p)
                acquired = st.acquired
                if profile == "stage":
                    # Everything of the earlier stages was passed, except a few leftovers of the previous one.
                    previous = [u for u in required if u.stage == stage - 1]
                    leftovers, credits = set(), 0
                    for u in rng.sample(previous, min(len(previous), rng.choice((0, 0, 1, 1, 2, 3)))):
                        if credits + u.credits <= 12:
                            leftovers.add(u.code)
                            credits += u.credits
                    for u in required:
                        if u.stage < stage and u.code not in leftovers:
                            acquired.add(u.code)
                    bonus = 60 if kind == "bachelor" and stage >= 3 else (rng.randint(40, 60) if kind == "bachelor"
                                                                          else 60)
                elif profile == "repeat":
                    share = 0.35 + 0.45 * rng.random()
                    for u in required:
                        if u.stage == 1 and rng.random() < share:
                            acquired.add(u.code)
                    bonus = sum(u.credits for u in required if u.code in acquired)
                elif history:
                    bonus = 60 if kind not in ("bachelor", "associate") else rng.randint(0, 45)
                target = 60 if rng.random() < 0.75 else rng.randint(61, MAX_CREDITS)
                units = self._plan(st, p, MAX_CREDITS, target)
                exempt_p = 0.0 if history == 0 else (0.05 if kind in ("master", "bridging", "advanced_master",
                                                                      "postgraduate") else 0.02)
                if history == 0:
                    exempt_p = 0.002
                c = self._add_contract(contracts, st, p, "diploma", enrolled, units, exempt_p,
                                       entry=profile == "entry")
            st.main = c
            if history and rng.random() < 0.25:
                needed = c.load if c.uses_account else 0
                self._learning_account(st, year, needed, kind, min(60, bonus))
                if c.uses_account:
                    st.balance -= sum(line[0].credits for line in c.lines if not line[3])

    # ---------------------------------------------------------------------------------------------- continuers

    def _continue(self, st: _Student, year: _Year, contracts: list[_Contract]):
        rng = self.rng
        c = st.main
        if c is None or st.withdrawn:
            return
        self._touch(st, year.index)
        enrolled = self._enrolled_on(year)
        if c.kind != "diploma":
            if rng.random() < 0.25:
                units = self._loose_units(st, c.programme, 6, 30)
                if units and (st.balance >= sum(u.credits for u in units)):
                    st.main = self._add_contract(contracts, st, c.programme, "credit", enrolled, units, 0.0)
                    return
            st.main = None
            return
        p = c.programme
        required = self._required(st, p)
        entry = False
        if all(u.code in st.acquired for u in required):
            # Programme complete: a bachelor or bridging student may go on to a master.
            nxt = None
            if p.kind in ("bachelor", "bridging", "preparatory") and (st.master or rng.random() < 0.7):
                nxt = self._master_after(st, p)
            if nxt is None:
                st.main = None
                return
            p, entry = nxt, True
        else:
            rate = c.earned / c.taken if c.taken else 0.0
            # EN-7 refusal (< 30% acquired), leaving after a weak first year, or simply stopping
            stop = 0.85 if rate < 0.3 else (0.35 if rate < 0.6 and c.entry else 0.08)
            if rng.random() < stop:
                st.main = None
                return
        uses_account = p.kind in ("bachelor", "master")
        cap = min(MAX_CREDITS, st.balance) if uses_account else MAX_CREDITS
        if cap < 3:  # LA-14: no learning account left
            st.main = None
            return
        target = 60 if rng.random() < 0.75 else rng.randint(61, MAX_CREDITS)
        units = self._plan(st, p, cap, target)
        if not units:
            st.main = None
            return
        st.main = self._add_contract(contracts, st, p, "diploma", enrolled, units, 0.003, entry=entry)
        total = sum(u.credits for u in units)
        if p.kind == "bachelor" and total < MIN_CREDITS and rng.random() < 0.6:
            # The last few bachelor units combined with the first units of a master (one year, two contracts,
            # together within EN-3 and the learning account).
            remaining = sum(u.credits for u in self._required(st, p) if u.code not in st.acquired)
            master = self._master_after(st, p) if remaining == total else None
            if master is not None:
                room = min(MAX_CREDITS, st.balance) - total
                extra = self._plan(st, master, room, room) if room >= 3 else []
                if extra:
                    self._add_contract(contracts, st, master, "diploma", enrolled, extra, 0.0)

    def _master_after(self, st: _Student, p: _Programme) -> _Programme | None:
        """The master a student goes on to after a bachelor or bridging programme (the same one every time)."""
        if st.master is None:
            masters = self.by_kind.get("master", [])
            if not masters:
                return None
            st.master = self.by_discipline.get(("master", p.discipline)) or self._pick_programme(masters)
        return st.master

    def _extra_credit_contracts(self, year: _Year, contracts: list[_Contract]):
        """A few diploma students also take a unit or two elsewhere under a credit contract (EN-3 over both)."""
        rng = self.rng
        programmes_of: dict[int, list[_Programme]] = {}
        for c in contracts:
            programmes_of.setdefault(c.student.order, []).append(c.programme)
        for c in list(contracts):
            if c.kind != "diploma" or rng.random() >= 0.02:
                continue
            st = c.student
            room = MAX_CREDITS - st.load
            if room < 3 or len(self.programmes) < 2:
                continue
            other = self._pick_programme(self.programmes)
            if other in programmes_of[st.order]:  # one contract per programme (and so per unit, EN-1)
                continue
            programmes_of[st.order].append(other)
            units = self._loose_units(st, other, 3, min(12, room))
            if units and st.load + sum(u.credits for u in units) <= MAX_CREDITS:
                if st.balance >= sum(u.credits for u in units):
                    self._add_contract(contracts, st, other, "credit", max(c.enrolled, year.start - 7), units, 0.0)

    # -------------------------------------------------------------------------------------------------- events

    def _quota(self, candidates: list, rate: float, minimum: int) -> list:
        k = min(len(candidates), max(minimum, round(rate * len(candidates))))
        picked = self.rng.sample(range(len(candidates)), k)
        picked.sort()
        return [candidates[i] for i in picked]

    def _between(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def _events(self, year: _Year, contracts: list[_Contract]):
        rng = self.rng
        y = year
        s1_lessons_end = y.periods["S1"][2]
        jan_start = y.exams["JAN"][1]
        s2_start = y.periods["S2"][1]

        # Programme changes (deregistration reason programme_change): first-year students, half before
        # 1 December, half between 1 December and the end of the first-semester lessons (LA-8).
        kinds_with_choice = [k for k, progs in self.by_kind.items() if len(progs) >= 2 and k != "postgraduate"]
        candidates = [c for c in contracts if c.kind == "diploma" and c.entry and c.programme.kind in kinds_with_choice]
        preferred = [c for c in candidates if c.programme.kind == "bachelor"]
        if len(preferred) >= 20:
            candidates = preferred
        picked = self._quota(candidates, 0.012, 2)
        if picked:
            programmes_of: dict[int, list[_Programme]] = {}
            for c in contracts:
                programmes_of.setdefault(c.student.order, []).append(c.programme)
        for i, c in enumerate(picked):
            st = c.student
            on = self._between(y.start + 21, y.dec1 - 1) if i % 2 == 0 else self._between(y.dec1, s1_lessons_end)
            taken = programmes_of[st.order]
            others = [p for p in self.by_kind[c.programme.kind] if p not in taken]
            if not others:
                continue
            new_p = self._pick_programme(others)
            # The old contract ends the day the new one starts: they never overlap (EN-3); LA-7: before
            # 1 December every credit comes back.
            refund = sum(line[0].credits for line in c.lines if not line[3]) if c.uses_account and on < y.dec1 else 0
            cap = MAX_CREDITS - (st.load - c.load)
            if new_p.kind in ("bachelor", "master"):
                cap = min(cap, st.balance + refund)
            # After 1 December the new programme starts with its second-semester units only.
            units = self._plan(st, new_p, cap, 60, semester2_only=on >= y.dec1)
            if not units:
                continue  # nothing to change to: the student stays
            c.dereg, c.reason = on, "programme_change"
            st.load -= c.load
            st.balance += refund
            new = self._add_contract(contracts, st, new_p, "diploma", on, units, 0.0)
            new.changed_in = True
            taken.append(new_p)
            if st.main is c:
                st.main = new

        # Withdrawals: before 1 December, between 1 December and 15 March (not during the January exams),
        # after 15 March.
        candidates = [c for c in contracts if c.dereg is None and not c.changed_in and c.kind in ("diploma", "credit")]
        for i, c in enumerate(self._quota(candidates, 0.025, 3)):
            window = i % 3
            if window == 0:
                on = self._between(y.start + 21, y.dec1 - 1)
            elif window == 1:
                on = (self._between(y.dec1, jan_start - 1) if rng.random() < 0.5
                      else self._between(s2_start + 1, y.mar15 - 1))
            else:
                on = self._between(y.mar15, y.may31)
            c.dereg, c.reason = on, "withdrawal"
            if c.student.main is c:
                c.student.withdrawn = True

        # Removals of a course unit, on the student's request (LA-6 dates before and after the cut-offs,
        # never after the unit's deregistration deadline of EN-6).
        classes = ("S1", "YEAR-before", "YEAR-after", "S2-before", "S2-after")
        candidates = [c for c in contracts if c.dereg is None and not c.changed_in and c.kind in ("diploma", "credit")
                      and len(c.lines) >= 3]
        for i, c in enumerate(self._quota(candidates, 0.05, 5)):
            for j in range(len(classes)):
                cls = classes[(i + j) % len(classes)]
                period = cls.split("-")[0]
                lines = [line for line in c.lines if line[0].period == period and not line[3]]
                if lines:
                    break
            else:
                continue
            line = lines[int(rng.random() * len(lines))]
            deadline = y.periods[period][4]
            if cls == "S1":
                on = self._between(y.start + 7, deadline)
            elif cls == "YEAR-before":
                on = self._between(y.start + 7, y.dec1 - 1)
            elif cls == "YEAR-after":
                on = self._between(y.dec1, deadline)
            elif cls == "S2-before":
                on = self._between(y.start + 21, y.mar15 - 1)
            else:
                on = self._between(y.mar15, deadline)
            line[2] = max(on, line[1])

        # Units added in October (within EN-3).
        candidates = [c for c in contracts if c.dereg is None and not c.changed_in and c.kind in ("diploma", "credit")
                      and c.student.load <= MAX_CREDITS - 3]
        for c in self._quota(candidates, 0.03, 3):
            st = c.student
            room = MAX_CREDITS - st.load
            if c.uses_account:
                room = min(room, st.balance)
            have = {line[0].code for line in c.lines}
            options = [u for u in c.programme.units
                       if u.credits <= room and u.code not in have and u.code not in st.acquired]
            if not options:
                continue
            u = options[int(rng.random() * len(options))]
            c.lines.append([u, self._between(y.oct1, y.oct31), None, False])
            c.load += u.credits
            st.load += u.credits
            if c.uses_account:
                st.balance -= u.credits

    # ------------------------------------------------------------------------------------------------- results

    def _results(self, year: _Year, contracts: list[_Contract], last: bool) -> bool:
        rng = self.rng
        rand, gauss = rng.random, rng.gauss
        until = self.until
        exams = year.exams
        emit = {code: exams[code][3] <= until for code in exams}
        if last and not any(emit.values()):
            return False  # nothing to write and no later year that needs the outcomes
        start = {code: exams[code][1] for code in exams}
        sep_start = exams["SEP"][1]
        emit_sep = emit["SEP"]
        reg_opens, reg_closes = year.reg_opens, year.reg_closes
        reg_days = reg_closes - reg_opens + 1
        swept = until > reg_closes  # the EX-2 sweep ran the day after registration closed
        registrations = self.registrations
        failed_at = self.failed_at = []  # (exam period, student) of fails that may be appealed
        appeal_rate = APPEAL_RATE
        arand = self.appeal_rng.random
        code_y = year.code
        out = self.results
        for c in contracts:
            st = c.student
            a = st.ability
            number = st.number
            dereg = c.dereg
            acquired = st.acquired
            bonus_eligible = c.kind == "diploma" and c.programme.kind == "bachelor" and c.uses_account
            tolerable, hard_fail = [], False
            for u, _added, removed, exempted in c.lines:
                if removed is not None:
                    continue
                if exempted:
                    acquired.add(u.code)
                    continue
                c.taken += u.credits
                if dereg is not None and dereg < start[u.exam]:
                    continue
                # First opportunity.
                r = rand()
                if u.result_kind == "pass_fail":
                    g1 = "absent" if r < 0.012 else ("pass" if rand() < 0.82 + 0.06 * a else "fail")
                    passed = g1 == "pass"
                else:
                    if r < 0.004:
                        g1 = "absent_justified"
                    elif r < 0.018 + (0.03 if a < -1.2 else 0.0):
                        g1 = "absent"
                    else:
                        x = 12.6 + 2.2 * a - u.difficulty + gauss(0.0, 2.3)
                        g1 = 0 if x < 0 else (20 if x >= 19.5 else int(x + 0.5))
                    passed = g1.__class__ is int and g1 >= 10
                if emit[u.exam]:
                    out.append({"student": number, "academic_year": code_y, "course_unit": u.code,
                                "opportunity": 1, "grade": g1})
                g2 = None
                if not passed and u.opportunities == 2 and (dereg is None or dereg > reg_closes):
                    # Second opportunity (EX-1, EX-2): most clear fails are registered, tolerable ones less often.
                    if rand() < (0.35 if g1 in (8, 9) else 0.75):
                        on = reg_opens + int(rand() * reg_days)
                        if on <= until:
                            registrations.append({"student": number, "academic_year": code_y,
                                                  "course_unit": u.code, "registered_on": _iso(on)})
                        if dereg is None or dereg >= sep_start:
                            c.sep_needed = True  # the final deliberation comes after the second opportunity
                            if u.result_kind == "pass_fail":
                                g2 = "absent" if rand() < 0.05 else (
                                    "pass" if rand() < 0.7 + 0.06 * a else "fail")
                                passed = g2 == "pass"
                            else:
                                if rand() < 0.05:
                                    g2 = "absent"
                                else:
                                    x = 13.4 + 2.2 * a - u.difficulty + gauss(0.0, 2.3)
                                    g2 = 0 if x < 0 else (20 if x >= 19.5 else int(x + 0.5))
                                passed = g2.__class__ is int and g2 >= 10
                            if emit_sep:
                                out.append({"student": number, "academic_year": code_y, "course_unit": u.code,
                                            "opportunity": 2, "grade": g2})
                    elif swept:
                        # Not registered by 8 August: the EX-2 sweep recorded A (the file holds no deliberation
                        # decisions, so no fail counts as tolerated here, as the sweep would find).
                        out.append({"student": number, "academic_year": code_y, "course_unit": u.code,
                                    "opportunity": 2, "grade": "absent"})
                if not passed and arand() < appeal_rate:
                    if g2 is not None and emit_sep:
                        failed_at.append(("SEP", number))
                    elif emit[u.exam]:
                        failed_at.append((u.exam, number))
                if not passed:
                    best = max((g for g in (g1, g2) if g.__class__ is int), default=None)  # EX-5
                    if best in (8, 9) and not u.tolerance_excluded:
                        tolerable.append(u)
                    else:
                        hard_fail = True
                    continue
                acquired.add(u.code)
                c.earned += u.credits
                if c.uses_account:  # LA-4 restitution, LA-5 bonus
                    gain = u.credits
                    if bonus_eligible and st.bonus_left > 0:
                        extra = min(st.bonus_left, u.credits)
                        st.bonus_left -= extra
                        gain += extra
                    st.balance += gain
            if tolerable and not hard_fail and c.kind == "diploma" and dereg is None:
                # Fails of 8 or 9 that the tolerance rules cover (DL-3..6, simplified: the percentage
                # conditions are left out) count as done for progression and the degree, not for the account.
                kind = c.programme.kind
                if kind == "bachelor":
                    limit, most = 12, 2
                elif kind in ("bridging", "preparatory"):
                    limit, most = int(c.taken * 0.1 + 0.5), 99
                else:
                    limit, most = 6, 99
                if len(tolerable) <= most and sum(u.credits for u in tolerable) <= limit:
                    acquired.update(u.code for u in tolerable)
        return True

    @staticmethod
    def _inflow(p: _Programme) -> float:
        """The share of a programme's students that is new from outside the institution every year."""
        if p.kind == "bachelor":
            return 0.42
        if p.kind == "associate":
            return 0.45
        if p.kind == "master":
            return 0.2 if len(p.stages) == 2 else 0.35  # many come from the own bachelors
        return 0.8 if len(p.stages) == 1 else 0.5

    def _degrees(self, year: _Year, contracts: list[_Contract]):
        """Master students who completed their programme this year: a degree on the publication date of the
        results that complete it (JUN, or SEP when a second opportunity was needed)."""
        jun_pub, sep_pub = year.exams["JUN"][3], year.exams["SEP"][3]
        for c in contracts:
            if c.kind != "diploma" or c.dereg is not None or c.programme.kind != "master" or c.student.main is not c:
                continue
            st = c.student
            if not all(u.code in st.acquired for u in self._required(st, c.programme)):
                continue
            on = sep_pub if c.sep_needed else jun_pub
            if on <= self.until:
                self.degrees.append({"student": st.number, "programme": c.programme.code, "awarded_on": _iso(on)})
            st.main = None  # graduated

    def _appeals(self, year: _Year, contracts: list[_Contract]):
        """Internal appeals (AP-1..3): against the exam decision of a period in which the student failed a unit
        (notified on the period's publication date), and a few against other study-progress decisions notified
        in the autumn. Most are posted within the 7 days of AP-2, some a day or three late; the letter arrives
        1-3 days after its postmark. Only appeals received on or before ``results_until`` are written."""
        rng = self.appeal_rng
        until = self.until
        seen = set()
        for exam, number in self.failed_at:
            if (exam, number) in seen:
                continue
            seen.add((exam, number))
            notified = year.exams[exam][3]
            self._appeal(notified, number, "exam_decision", until)
        others = [c for c in contracts if c.kind == "diploma"]
        if len(others) >= 100:
            k = max(1, round(OTHER_APPEAL_RATE * len(others)))
            for i in sorted(rng.sample(range(len(others)), k)):
                notified = year.start + 7 + int(rng.random() * (year.oct31 - year.start - 6))
                kind = OTHER_DECISIONS[int(rng.random() * len(OTHER_DECISIONS))]
                self._appeal(notified, others[i].student.number, kind, until)

    def _appeal(self, notified: int, number: str, kind: str, until: int):
        rng = self.appeal_rng
        late = rng.random() < 0.1
        postmarked = notified + (8 + int(rng.random() * 3) if late else 1 + int(rng.random() * 7))
        received = postmarked + 1 + int(rng.random() * 3)
        if received <= until:
            self.appeals.append((received, postmarked, notified, number, kind))

    def _appeals_json(self) -> list[dict]:
        """References APP-<year of receipt>-<nnnn> in the order of receipt."""
        out, serial = [], {}
        for received, postmarked, notified, number, kind in sorted(self.appeals):
            year = date.fromordinal(received).year
            serial[year] = serial.get(year, 0) + 1
            out.append({"reference": f"APP-{year}-{serial[year]:04d}", "student": number, "decision_kind": kind,
                        "decision_notified_on": _iso(notified), "postmarked_on": _iso(postmarked),
                        "received_on": _iso(received)})
        return out

    # ----------------------------------------------------------------------------------------------------- run

    def run(self) -> dict:
        self._build_catalogue()
        self.cities = _CITIES
        self.city_cum = list(accumulate(w for *_, w in _CITIES))
        self.ascii_names = {n: _ascii(n) for n in _FIRST_NAMES + _LAST_NAMES}
        k_years = len(self.years)
        # Newcomers of a later year: about 30% of a year's students are new (spread over the programmes by their
        # intake from outside), which keeps the years about the same size.
        first_year_count = math.ceil(self.n / (1 + 0.3 * (k_years - 1)))
        later = _allocate(self.n - first_year_count, [1.0] * (k_years - 1)) if k_years > 1 else []
        newcomer_counts = [first_year_count] + later
        students: list[_Student] = []
        for year in self.years:
            contracts: list[_Contract] = []
            for st in students:
                self._continue(st, year, contracts)
            self._newcomers(year, newcomer_counts[year.index], contracts)
            self._extra_credit_contracts(year, contracts)
            self._events(year, contracts)
            self.failed_at = []
            if self._results(year, contracts, last=year.index == k_years - 1):
                self._degrees(year, contracts)
            self._appeals(year, contracts)
            self._emit_enrolments(year, contracts)  # sorts the contracts by student
            students, seen = [], set()
            for c in contracts:
                st = c.student
                if st.main is not None and not st.withdrawn and st.order not in seen:
                    seen.add(st.order)
                    students.append(st)
        return {
            "format": FORMAT,
            "regulations": REGULATIONS,
            "academic_years": [y.as_json() for y in self.years],
            "programmes": [
                {"code": p.code, "name": p.name, "kind": p.kind, "credits": p.credits,
                 "course_units": [u.as_json() for u in p.units]}
                for p in self.programmes
            ],
            "students": self.students_json,
            "enrolments": self.enrolments,
            "results": self.results,
            "degrees": self.degrees,
            "second_opportunity_registrations": self.registrations,
            "appeals": self._appeals_json(),
        }

    def _emit_enrolments(self, year: _Year, contracts: list[_Contract]):
        code = year.code
        contracts.sort(key=lambda c: (c.student.order, c.enrolled, c.order))
        out = self.enrolments
        for c in contracts:
            out.append({
                "student": c.student.number,
                "programme": c.programme.code,
                "academic_year": code,
                "contract": c.kind,
                "enrolled_on": _iso(c.enrolled),
                "deregistered_on": _iso(c.dereg),
                "deregistration_reason": c.reason,
                "course_units": [
                    {"code": u.code, "added_on": _iso(added), "removed_on": _iso(removed), "exempted": exempted}
                    for u, added, removed, exempted in c.lines
                ],
            })


def generate(students: int, seed: int = 1, years: tuple[str, ...] = ("2025-2026", "2026-2027"),
             results_until: str = "2026-11-23") -> dict:
    """A realistic ``eel-dataset/1`` dataset with ``students`` students over ``years``.

    Deterministic: the same arguments give an identical dictionary. Results (and degrees) are written only
    for exam periods whose ``results_published_on`` is not after ``results_until``.
    """
    return _Generator(students, seed, tuple(years), results_until).run()
