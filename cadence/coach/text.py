"""What the coach reads in OKR text: quantities, activity verbs, counted deliverables.

Pure, English.

Rule-based on purpose: fast (a few precompiled regular expressions, well under a millisecond a
sentence), explainable, and scored on the labeled set in tests/coach/labeled_set.py (see
tests/coach/test_labeled_set.py for precision and recall). The labeling policy that these rules
follow is written at the top of that labeled set and in docs/decisions.md.

Vocabulary:
- a *quantity* is a number that measures: digits, written numbers ("ten"), fractions ("half",
  "a third"), multipliers ("double", "3x", "twice"), zero, or a frequency range ("from weekly
  to daily"). Years, quarters, dates, versions and names with numbers ("ISO 27001", "year 7",
  "line 3", "Windows 11") are not quantities;
- an *output verb* starts a key result phrased as work (launch, build, write, hire…);
- a *deliverable* is something a team produces (posts, campaigns, calls, dashboards…).
"""

from __future__ import annotations

import functools
import re

# Titles are at most 200 characters; reading a little more keeps every check cheap on any input.
MAX_CHARS = 300


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- words ---------------------------------------------------------------------------------------

OUTPUT_VERBS = _set(
    """
    add analyse analyze answer apply attend audit automate build call coach complete conduct
    configure create define deliver deploy design develop discuss document draft finish fix hire
    hold host implement install integrate interview introduce launch make migrate onboard organise
    organize plan post prepare present produce publish recruit redesign refactor release replace
    research review rewrite run schedule send ship start test train translate update upgrade visit
    write plant map pilot trial survey catalogue catalog print record paint repaint renew refit
    repair clean fit stock commission refurbish photograph tender digitise digitize sample
    inspect knock canvass brief align
    """
)
# Two-word output verbs, matched before the one-word ones.
OUTPUT_PHRASES = ("set up", "roll out", "kick off", "sign up for", "put together")

# Verbs that open a key result phrased as a change; after one of these nothing reads as work.
OUTCOME_VERBS = _set(
    """
    achieve attain be become boost bring close convert cut decrease double expand extend generate
    get grow halve have hit increase keep lift lower maintain maximise maximize minimise minimize
    quadruple treble raise reach reduce retain save serve shorten sign stay sustain triple win
    enrol enroll earn lose eliminate accelerate speed improve
    sell secure attract acquire gain land regain recover strengthen enhance deepen
    widen broaden narrow shrink slash trim curb prevent avoid protect stabilise stabilize
    free help place vaccinate immunise immunize treat rehouse house employ rehome resettle
    license licence reunite switch book
    """
)
# A verb of change opens a result; these verbs of change open work when they put something
# somewhere: "Bring the archive online", "Get the new site live", "Take payroll in-house".
_PUT_VERBS = _set("bring get take put move switch")
_PUT_PLACES = re.compile(
    r"\b(?:online|live|in-house|to\s+market|into\s+service|on\s+stream|onstream|signed\s+off|"
    r"approved|agreed|over\s+the\s+line|into\s+line|ready\s+for|"
    r"through\s+(?:its|the|their|our)\s+(?:[a-z-]+\s+){0,3}(?:audit|review|inspection|assessment)|(?:onto|into|to)\s+(?:the\s+)?new)\b",
    re.IGNORECASE,
)

# Words that open a sentence without being its verb: determiners, quantifiers, prepositions,
# pronouns, conjunctions. A key result that opens with any other word followed by a determiner
# or a count ("Refurbish the suites", "Print 5,000 leaflets") opens with a verb in the
# imperative, on a list or not; unless that verb is one of change (OUTCOME_VERBS), it names work.
_NOT_VERBS = _set(
    """
    a an the all every each both either neither any some no none zero more fewer less most least
    only just even also our their its his her my your this that these those there here it we
    they you i he she who what when where how why which by in for to with without across on at
    from of under over above below within per and or but if as than so not new first last next
    every everyone everybody everything nothing nobody one two three four five six seven eight
    nine ten half twice once around about after before during until since via into onto
    """
)
_PARTICLES = _set("up out off down over on")
_LEVEL_AFTER = (["at"], ["below"], ["under"], ["above"], ["within"], ["steady"])
_COPULAS = _set("is are was were has have becomes become")
_FUNCTION_WORDS = _set(
    "of per a an the to for in on at by with from and or than as into across within under over"
)
_DETERMINERS = _set(
    "the a an our their its his her my your all every each both this these those new"
)
# Verb endings that make a word a verb whatever follows it ("Digitise patient records").
_VERB_ENDINGS = ("ise", "ize", "ify")


# Participles that describe a finished piece of work ("Mobile app released").
DONE_PARTICIPLES = _set(
    """
    built completed created delivered deployed designed finished held hired hosted implemented
    installed launched live migrated organised organized published redesigned released rewritten
    sent shipped written
    """
)

# When an output verb is followed by one of these, it is a noun naming a measure
# ("Launch rate of …", "Release cadence from monthly to weekly", "Build time …").
MEASURE_NOUNS = _set(
    """
    cadence cost costs count duration frequency pace quality rate rates reliability speed success
    throughput time times velocity volume loss losses availability accuracy
    """
)

# After "make" (not followed by a count), a comparative or a bound asks for a change, not for work:
# "Make checkout faster", "Make the test suite run in under 10 minutes".
COMPARATIVES = _set(
    """
    better bigger cheaper clearer easier faster fewer happier healthier higher leaner less lighter
    lower more quicker safer shorter simpler smaller smoother stronger sure
    """
)
_MAKE_CHANGE = COMPARATIVES | {"under", "below", "within", "than", "percent"}

DELIVERABLES = _set(
    """
    ad ads article articles blog blogs campaign campaigns call calls case concept concepts course
    courses dashboard dashboards demo demos design designs email emails episode episodes event
    events evening evenings feature features icon icons interview interviews lesson lessons meeting
    meetings mockup mockups newsletter newsletters page pages podcast podcasts post posts
    presentation presentations release releases report reports session sessions studies study
    template templates test tests training trainings video videos visit visits webinar webinars
    workshop workshops audit audits review reviews observation observations talk talks
    inspection inspections consultation consultations briefing briefings huddle huddles drill
    drills walkthrough walkthroughs leaflet leaflets flyer flyers brochure brochures paper papers
    guide guides pitch pitches proposal proposals patrol patrols seminar seminars tasting
    tastings walk walks clinic clinics round rounds check checks surgery surgeries drop-in drop-ins
    survey surveys club clubs takes stocktake stocktakes callback callbacks fitting fittings
    stand-up stand-ups standup standups alert alerts bulletin bulletins picks ride-alongs
    tours
    """
)
# Where the name of what a change measures ends: "Lesson observations | per teacher go from …",
# "Weekly driver toolbox talks | up from 2 to 5".
_ONLINE_COUNTS = _set("visits visit sessions views")
_ONLINE = _set("organic search web website site page blog unique app online")
_MEASURED_END = _set(
    """
    from per by to up down each every a an each go goes rise rises grow grows fall falls in on
    at across for between with that which who of led run held done made
    """
)

WRITTEN_NUMBERS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens"
)
MULTIPLIERS = (
    "half|halve|halved|halving|halves|double|doubled|doubling|triple|tripled|tripling|"
    "quadruple|quadrupled|treble|trebled|trebling|twice|thrice|tenfold|twofold|threefold|percent|per\\s+cent"
)
FREQUENCIES = (
    "hourly|daily|weekly|fortnightly|biweekly|monthly|quarterly|yearly|annually|"
    "seconds|minutes|hours|days|weeks|months|years"
)
MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december"
)

# --- patterns (compiled once) -------------------------------------------------------------------

_FLAGS = re.IGNORECASE
_PREFIX = re.compile(
    r"^\s*(?:(?:kr|o|okr)\s*\d+(?:\.\d+)?\s*[.:)\-–]\s*|\d+\s*[.)]\s+|[-*•–—]\s*"
    # a period that heads the sentence: "Q3: …", "H2 – …", "FY27 - …"
    r"|(?:[qh][1-4]|fy\s?\d{2,4})(?:\s+(?:19|20)\d{2})?\s*(?::|\s-)\s*)+",
    _FLAGS,
)
_LEADING_SUBJECT = re.compile(r"^(?:we\s+will|we'll|we\s+are\s+going\s+to|to|i\s+will)\s+", _FLAGS)

# Acronyms that name a measure: a number after one of them is its value ("NPS 50").
_MEASURE_ACRONYMS = (
    "(?:NPS|ENPS|CSAT|CES|OEE|ARR|MRR|GMV|EBITDA|KPI|SLA|GPA|DSO|DPO|MTTR|MTBF|ROI|LTV|CAC|AOV|"
    "OTIF|FPY|PPM|RPS|QPS|TPS|CO2|GHG|PUE|COP|SAIDI|SAIFI|LTIFR|TRIR|BMI|HBA1C|ALOS)"
)
# Words that a number after them turns into a name: standards, school years, production lines,
# versions ("ISO 27001", "Year 7", "Line 3", "Windows 11").
_NAMING_WORDS = (
    r"iso|soc|pci|wcag|year|group|grade|grades|line|level|tier|phase|stage|sprint|wave|"
    r"windows|python|ios|android|macos|java|php|node|web|version|gen|generation|type|class|"
    r"room|building|hall|gate|zone|route|bay|terminal|series|model|chapter|section|article|"
    r"covid|iphone|galaxy|pixel|office|hdmi|usb|wifi|wi-fi|ipv|http|oauth|tls|ssl|utf|"
    r"mp|ward|block|floor|platform|pier|dock|berth|site|plot|field|district|region|store|"
    r"branch|lane|road|flight|lab|theatre|theater|day|week|month|period|shift|step|unit|"
    r"pitch|court|band|rule|form|junction|junctions|part|schedule|tier|key\s+stages?|press|"
    r"option|dial|scope|scopes|years|stages|levels|grades|tiers|phases|area|formula|channel|"
    r"farm|block"
)


class _Shape:
    """What a text holds that a name or an idiom needs, read in a few quick scans. Each pattern
    below comes with a test of the shape that is true whenever the pattern can match anywhere in
    the text, so a pass tries only the patterns that can (issue 18: a check well under a
    millisecond); tests/coach/test_checks.py holds every test to that.

    Runs of letters are ASCII: the four other characters that ignoring case reads as ASCII
    letters ("İ", "ı", "ſ" and the Kelvin sign) make every pattern possible (``_FOLDING``)."""

    __slots__ = (
        "after",
        "before",
        "capital_after",
        "capital_last_before",
        "count",
        "dash",
        "lower",
        "name_before",
        "numbers",
        "text",
        "words",
        "year",
    )

    def __init__(self, text: str):
        self.text = text
        self.lower = text.lower()
        self.words = frozenset(_LETTER_RUN.findall(self.lower))
        numbers = _DIGIT_RUN.findall(text)
        # Letters right before a number ("Q3", "Ward 9", "wi-fi 6") and right after a digit
        # ("3rd", "1990s", "5G"); a text without a digit has none.
        found = list(_BEFORE_NUMBER.finditer(text)) if numbers else ()
        before = [m.group() for m in found]
        after = _AFTER_DIGIT.findall(text) if numbers else ()
        self.numbers = frozenset(numbers)
        self.count = len(numbers)
        self.dash = bool(numbers) and bool(_DASH_BY_DIGIT.search(text))  # "16-19", "under-16s"
        self.year = any(n[:2] in ("19", "20") and len(n) > 3 for n in self.numbers)
        self.before = frozenset(w.lower() for w in before)
        self.after = frozenset(w.lower() for w in after)
        # A capitalised name inside the sentence right before a number: "… on Ward 9".
        self.name_before = any(
            m.group()[0].isupper()
            and m.start() > 1
            and text[m.start() - 2 : m.start()] in _NAME_LEAD
            for m in found
        )
        self.capital_last_before = any(w[-1].isupper() for w in before)
        self.capital_after = any(w[0].isupper() for w in after)


_FOLDING = frozenset("\u0130\u0131\u017f\u212a")
_LETTER_RUN = re.compile(r"[a-z]+")
_DIGIT_RUN = re.compile(r"\d+")
_BEFORE_NUMBER = re.compile(r"(?<![A-Za-z])[A-Za-z]++(?=(?:[/-]|\s*)\d)")
_AFTER_DIGIT = re.compile(r"\d([A-Za-z]+)")
# What comes before a name inside a sentence: a letter, a comma or an apostrophe, then a space.
_NAME_LEAD = frozenset(f"{c} " for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,'")
_DASH_BY_DIGIT = re.compile(r"\d\s*[-–]|[-–]\d")
_CAPITAL_NUMBER_WORD = re.compile(r"One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Twelve|Big")
_PLANS = frozenset(("vision", "agenda", "strategy", "roadmap", "horizon", "mission", "campaign"))
_PLANS |= {"programme", "program"}
# What the shape sees right before the number: "wi-fi 6" ends in "fi", "key stage 4" in "stage".
_NAMED_BY_NUMBER = frozenset(
    w.rsplit("-", 1)[-1] for w in _NAMING_WORDS.replace(r"key\s+stages?", "stage|stages").split("|")
)
_SERVICE_NUMBERS = frozenset(("999", "911", "111", "112", "101", "988"))
_MONTH_WORDS = frozenset(MONTHS.split("|"))
_DECADES = frozenset(
    ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties")
)
# Numbers that name rather than measure. Each is replaced by a neutral word before counting;
# each comes with when it can match at all (see _Shape).
_NAMES = [
    # year ranges and fiscal years: "2026–2041", "the 2024/25 season", "FY2025/26", "2025-30"
    (
        re.compile(r"\b(?:fy\s?)?(?:19|20)\d{2}\s*[–/-]\s*(?:19|20)?\d{2}\b(?![–/-]\d)", _FLAGS),
        lambda s: s.year and ("-" in s.text or "/" in s.text or "–" in s.text),
    ),
    # service numbers: "999 calls", "NHS 111", "911 dispatch"
    (
        # the N11 codes after "the": "the 311 line", "the 211 helpline"
        re.compile(
            r"\b(?:999|911|111|112|101|988)\b(?=\s+(?:calls?|service|services|line|lines|number|"
            r"dispatch|for|online|operators?))|(?<=NHS )\d{2,3}\b"
            r"|(?<=\bthe )[2-9]11\b(?=\s+(?:calls?|service|services|line|lines|helpline|number|"
            r"team|centre|center|app|requests?))"
        ),
        lambda s: (
            not s.numbers.isdisjoint(_SERVICE_NUMBERS)
            or "NHS " in s.text
            or any(len(n) == 3 and n.endswith("11") for n in s.numbers)
        ),
    ),
    # age bands name a group: "under-16s", "U18", "over-65s", "16-19 year olds", "the 11+"
    (
        re.compile(
            r"\b(?:under|over)-\d{1,2}s?\b|\b\d{1,2}\s*[-–]\s*\d{1,2}\s*(?:year[\s-]?olds?|age\s+group|"
            r"childcare|study\s+programmes?|provision|phase|bursary|bursaries|students|learners|"
            r"funding)\b|\b11(?:\+|-plus\b)|\bthe\s+\d{2}\s*[-–]\s*\d{2}s\b",
            _FLAGS,
        ),
        lambda s: s.dash or ("11" in s.numbers and "+" in s.text),
    ),
    # dates: "March 31", "31 March", "31st of March", "31/03/2027"
    (
        re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", _FLAGS),
        lambda s: s.numbers and not s.words.isdisjoint(_MONTH_WORDS),
    ),
    (
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b(?:\s+\d{{4}})?", _FLAGS
        ),
        lambda s: s.numbers and not s.words.isdisjoint(_MONTH_WORDS),
    ),
    (
        re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
        lambda s: s.count > 2 and ("/" in s.text or "." in s.text or "-" in s.text),
    ),
    # quarters, halves, fiscal years: "Q3", "H2", "FY27", "Q3 2027"
    (
        re.compile(r"\b(?:[qh][1-4]|fy\s?\d{2,4})(?:\s+(?:19|20)\d{2})?\b", _FLAGS),
        lambda s: not s.before.isdisjoint(("q", "h", "fy")),
    ),
    # years after a preposition or article: "in 2027", "the 2028 fundraise", "Make 2027 …"
    (
        re.compile(
            r"\b(?:in|by|for|of|the|since|until|till|before|after|during|through|make|our|their|"
            r"its|this|next|"
            r"end\s+of|early|late|mid|into)\s+(?:19|20)\d{2}\b(?![%\d,.]|\s*[km]\b)",
            _FLAGS,
        ),
        lambda s: s.year,
    ),
    (re.compile(r"^\s*(?:19|20)\d{2}\s*:"), lambda s: s.year and ":" in s.text),
    (
        re.compile(r"(?<=\()\s*(?:19|20)\d{2}\b(?![%\d,.])"),
        lambda s: s.year and "(" in s.text,
    ),  # "(2025 survey: 54%)"
    # names with a number: standards, school years, production lines, versions
    (
        re.compile(
            rf"(?<!\bre-)\b(?:{_NAMING_WORDS})"
            r"[\s/-]?\d+(?:[.:]\d+)*(?:[a-z]\d+)?[a-z]?(?:-\d+)?(?:\s*(?:and|to|-)\s*\d+\b)?\b"
            r"(?!/\d)",  # "the control room 24/7" is round the clock
            _FLAGS,
        ),
        lambda s: not s.before.isdisjoint(_NAMED_BY_NUMBER),
    ),
    # a list named by its length: "the Top-10 tips leaflet"
    (
        re.compile(
            r"\btop[\s-]\d{1,3}\s+(?:tips|things|facts|questions|mistakes|reasons|ways|hits|list|"
            r"lists|guide|guides)\b",
            _FLAGS,
        ),
        lambda s: "top" in s.before,
    ),
    (re.compile(r"\bp\d{2,3}\b", _FLAGS), lambda s: "p" in s.before),
    (
        re.compile(r"(?<![\d,.])\b0\d{2,4}\b"),
        lambda s: any(n[0] == "0" and len(n) > 2 for n in s.numbers),
    ),  # dialling codes: "a new 0800 number"  # percentiles name a measure: "p95 latency"
    (re.compile(r"\bv\d+(?:\.\d+)*\b", _FLAGS), lambda s: "v" in s.before),
    (re.compile(r"\b\d+\.\d+\.\d+\b"), lambda s: s.numbers and s.text.count(".") > 1),
    # "Cadence 2.0", "Magento 2.4.7", "R 4.4" (not the first word)
    (
        re.compile(r"(?<=[a-z] )[A-Z][A-Za-z]*\s+\d+(?:\.\d+)+\b"),
        lambda s: s.name_before and "." in s.text,
    ),
    # a plan or programme named by its year: "Vision 2030 briefings", "Horizon 2020 bids"
    (
        re.compile(
            r"\b(?:vision|agenda|strategy|roadmap|horizon|mission|programme|program|campaign)\s+"
            r"(?:19|20)\d{2}\b(?![%\d,.])",
            _FLAGS,
        ),
        lambda s: s.year and not s.before.isdisjoint(_PLANS),
    ),
    # forms named by a number and letters: "the 990-PF", "a 1099-MISC"
    (re.compile(r"\b\d{3,4}-[A-Z]{1,4}\b"), lambda s: s.dash),
    # a capitalised number word that begins a name: "the Four Nations", "the Big Four"
    (
        re.compile(
            r"(?<=[a-z] )(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Twelve)\s+[A-Z][a-z]+"
            r"|\bBig\s+(?:4|Four|Three|3)\b"
        ),
        lambda s: _CAPITAL_NUMBER_WORD.search(s.text),
    ),
    (
        re.compile(r"\b[A-Z]{2,}-\d+\b"),
        lambda s: s.capital_last_before,
    ),  # ticket-like ids "OKR-12"
    # a year that ends a name: "Net Zero 2030", "Windows Server 2022", "Vision 2030"
    # (a capitalised word inside the sentence, not its first: "Reach 2000 members" counts)
    (
        re.compile(r"(?<=[a-z,] )[A-Z][A-Za-z]+\s+(?:19|20)\d{2}\b(?![%\d,.])"),
        lambda s: s.year and s.name_before,
    ),
    # a name and its number inside the sentence: "Moodle 4", "Ward 9", "CUDA 12", "SDG 6",
    # "IATF 16949" (not a measure's name: "NPS 50", "OEE 85%")
    (
        re.compile(
            rf"(?<=[A-Za-z,'] )(?:[A-Z][a-z]{{2,}}|(?!{_MEASURE_ACRONYMS}\b)[A-Z]{{2,6}})\s+"
            r"\d{1,5}(?:[.:]\d+)*\b(?![%+.,]|\s*(?:%|percent\b|per\s+cent\b|points?\b))"
        ),
        lambda s: s.name_before,
    ),
    # codes of letters and digits: "the M25", "RIIO-ED3", "COP28", "A14"
    (
        re.compile(
            # (not money: a currency letter and an amount, "R12m", "R1.5bn", "R800k")
            r"\b(?![A-Z]\d+(?:\.\d+)?(?:m|bn|k)\b)"
            r"[A-Z]{1,5}\d{1,4}[A-Za-z]?(?:\(\d+\)|-\d{3,4})?(?!\w)|\b[A-Z]{2,}-[A-Z]{1,4}\d{1,4}\b"
        ),
        lambda s: s.capital_last_before,
    ),
    # names joined by a slash: "AS/400", "S/4HANA", "OS/2"; a standard of two bodies with its
    # number: "ISO/IEC 27001", "ISO/TS 16949"
    (
        re.compile(
            r"\b[A-Z]{1,5}/\d{1,4}[A-Za-z]*\b(?!/)|\b[A-Z]{2,6}/[A-Z]{2,6}[\s-]\d{1,5}(?:[-:.]\d+)*\b"
        ),
        lambda s: s.capital_last_before and "/" in s.text,
    ),
    # brands with a number: "7-Eleven"
    (re.compile(r"\b\d+-[A-Z][a-z]+"), lambda s: s.dash),
    # forms and grades named by a letter: "W-2", "I-9", "K-12"
    (re.compile(r"\b[A-Z]-\d{1,4}\b"), lambda s: s.capital_last_before),
    # a digit and capitals: "2FA", "3D", "4K" video, "5S", "3PL", "the 5K race"
    (re.compile(r"\b\d(?![KMBT]\b)[A-Z]{1,3}\b|(?<=\bthe )\d{1,2}K\b"), lambda s: s.capital_after),
    # a ratio that names a rule: "the 80/20 rule", "a 70/30 split"
    (
        re.compile(r"\b\d{1,3}/\d{1,3}\s+(?:rule|split|model|principle|pattern)\b", _FLAGS),
        lambda s: s.numbers and "/" in s.text,
    ),
    # decades written in digits name a period: "the 1970s and 1980s records"
    (
        re.compile(r"(?<!into the )(?<!to the )\b(?:19|20)\d0s\b|'\d0s\b", _FLAGS),
        lambda s: "s" in s.after,
    ),
    (
        re.compile(r"\b[2-6]g\b|\bb2[bcg]\b|\bc2c\b|\bp2p\b", _FLAGS),
        lambda s: "g" in s.after or not s.before.isdisjoint(("b", "c", "p")),
    ),  # "5G", "B2C"
    # clock times: "by 9am", "at 17:30"
    (
        re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", _FLAGS),
        lambda s: s.numbers and (":" in s.text or not s.words.isdisjoint(("am", "pm"))),
    ),
    (
        re.compile(r"\b\d+(?:st|nd|rd|th)\b", _FLAGS),
        lambda s: not s.after.isdisjoint(("st", "nd", "rd", "th")),
    ),  # ordinals "1st", "3rd"
    (
        re.compile(r"\b\d{3}\([a-z]\)", _FLAGS),
        lambda s: s.numbers and "(" in s.text,
    ),  # plans and rules named by a section: "401(k)"
    # a period named by its length: "the first 100 days", "the next 90 days"
    (
        re.compile(r"\b(?:first|last|next|opening)\s+\d+\s+(?:days|weeks|months)\b", _FLAGS),
        lambda s: not s.before.isdisjoint(("first", "last", "next", "opening")),
    ),
    # decades name a period ("the sixties", "the 1990s"), unless they place a value: "NPS into
    # the seventies", "to the high nineties"
    (
        re.compile(
            r"(?<!into )(?<!to )\bthe\s+(?!(?:low|mid|high|upper)\b)(?:(?:19|20)?\d0s|'\d0s|"
            r"(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b",
            _FLAGS,
        ),
        lambda s: "the" in s.words and ("s" in s.after or not s.words.isdisjoint(_DECADES)),
    ),
]
# Idioms that look like numbers but set no measurable bar, with when they can match at all.
_IDIOMS = [
    (
        re.compile(r"#\s?1\b|\bno\.?\s?1\b", _FLAGS),
        lambda s: "1" in s.numbers and ("#" in s.text or "no" in s.words),
    ),
    (
        re.compile(
            r"\bnumber\s+one\b|\byear\s+one\b|\bday\s+one\b|\bno\s+one\b|\bone\s+of\b|"
            r"\bone\s+(?:team|company|place|platform|voice|click|stop|step|view|source)\b|"
            r"\bany\s+one\b|\bone-stop\b|\bone-on-ones?\b|\bone-to-ones?\b",
            _FLAGS,
        ),
        lambda s: "one" in s.words,
    ),
    (
        re.compile(
            r"\b1:1s?\b|\b24/7\b|\b24x7\b|\b365\s+days\b(?!\s+(?:a|per)\s+year\s+(?:of|by))",
            _FLAGS,
        ),
        lambda s: "1:1" in s.text or "24/7" in s.text or "24x7" in s.lower or "365" in s.numbers,
    ),
    (re.compile(r"\bnet[\s-]zero\b", _FLAGS), lambda s: "zero" in s.words),
    (
        re.compile(
            r"\bcatch-22\b|\b20/20\b|\b360(?:-degree|°)?\s+(?:feedback|reviews?|appraisals?|view)\b"
            r"|\b360(?:°|-degree)|\b24\s+hours\s+a\s+day\b",
            _FLAGS,
        ),
        lambda s: (
            "catch-22" in s.lower
            or "20/20" in s.text
            or "360" in s.numbers
            or ("24" in s.numbers and "hours" in s.words)
        ),
    ),
    (
        re.compile(
            r"\bseven\s+days\s+a\s+week\b|"
            r"\bthe\s+(?:5|five)\s+whys\b|\b24-hour\s+(?:city|service|services|helpline|line|cover|"
            r"opening|access|care|support|economy)\b|\b(?:five|5)-star\s+(?:welcome|experience|service|"
            r"treatment|hospitality|care|feel)\b|\bsix\s+sigma\b|\b365\b(?=\s+days?\s+a\s+year)",
            _FLAGS,
        ),
        lambda s: (
            not s.words.isdisjoint(("seven", "whys", "star", "sigma"))
            or not s.numbers.isdisjoint(("24", "365"))
        ),
    ),
    (re.compile(r"\ba/b\b", _FLAGS), lambda s: "a/b" in s.lower),
]
_DIGIT = re.compile(r"\d")
# A decade that places a value is a quantity: "NPS into the seventies", "in the high nineties".
_DECADE_VALUE = re.compile(
    r"\bthe\s+(?:(?:low|mid|high|upper)[\s-]+)?(?:twenties|thirties|forties|fifties|sixties|"
    r"seventies|eighties|nineties)\b",
    _FLAGS,
)
# Units of time and measure: "within 2 days" bounds the work, it does not count it.
_UNITS = _set(
    "ms second seconds minute minutes hour hours day days week weeks month months year years "
    "percent points point"
)
# Units of size: after a verb of work they measure its volume ("Plant 12 hectares of hedgerow"),
# after "a" or "with" they describe a thing ("a 500 kW array", "with 6 MW turbines").
_WORK_SIZE_UNITS = _set("km m miles metres meters hectares ha acres sqm")
_SIZE_UNITS = _set(
    "kw mw gw kwh mwh gwh w m km kg t tonnes tons tonne litres liters hectares ha acres sqm mm "
    "cm ft miles metres meters"
)
_COUNT_START = re.compile(rf"(?:\d|(?:{WRITTEN_NUMBERS})$)")
# In an objective "one" is unity ("one design language"), unless it starts a large number.
_OBJECTIVE_ONE = re.compile(
    r"\bone\b(?!\s+(?:hundred|thousand|million|billion|in\s+\w+)\b)", _FLAGS
)
_WORD_NUMBER = re.compile(rf"\b(?:{WRITTEN_NUMBERS}|{MULTIPLIERS})\b|\b\d+(?:\.\d+)?x\b", _FLAGS)
_FRACTION = re.compile(
    r"\b(?:by|cut|to|of|bring|reach)\s+(?:a|one)\s+(?:third|quarter|fifth|tenth)\b", _FLAGS
)
# A bar written without a digit: "within an hour", "in the top quartile".
_IMPLIED_ONE = re.compile(
    r"\bwithin\s+(?:an|a\s+single)\s+(?:hour|minute|day|week)\b"
    r"|\btop\s+(?:quartile|decile|quintile|tercile)\b"
    # how soon against where it starts: "the next day instead of within a week"
    r"|\b(?:same|next)\s+(?:day|week)\s+(?:instead\s+of|rather\s+than)\b"
    r"|\b(?:instead\s+of|rather\s+than|down\s+from|up\s+from)\s+(?:within\s+|in\s+|after\s+)?"
    r"(?:a|an|one)\s+(?:hour|day|week|fortnight|month)\b"
    # a share as one of every few: "every third guest", "one in five visitors" (not "every
    # second Tuesday": a schedule)
    r"|\b(?:every|one\s+in)\s+(?:second|third|fourth|fifth|sixth|tenth)\s+"
    r"(?!(?:day|week|weekend|month|year|quarter|term|shift|night|morning|evening|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)s?\b)[a-z]",
    _FLAGS,
)
# How often a thing is done, as its measure: "Fortnightly litter picks", "Lab meetings: weekly",
# "… every shift", "… every Saturday".
_PER_PERIOD = re.compile(r"\bper\s+(?:day|week|month|quarter|year|shift|term|season)\b", _FLAGS)
_HOW_OFTEN = re.compile(
    r"^\s*(?:daily|weekly|fortnightly|monthly|quarterly|termly)\b"
    r"|:\s*(?:daily|weekly|fortnightly|monthly|quarterly|termly|twice|once|every)\b"
    r"|\b(?:every|each)\s+(?:other\s+)?(?:day|week|fortnight|month|quarter|term|shift|season|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|evening)\b",
    _FLAGS,
)
_FRACTION_OF = re.compile(
    r"\b(?:a|one|two|three|four|nine)\s+(?:thirds?|quarters?|fifths?|sixths?|eighths?|tenths?)"
    r"\s+of\b",
    _FLAGS,
)
_FREQUENCY_RANGE = re.compile(
    rf"\bfrom\s+(?:\w+\s+)?(?:{FREQUENCIES})\s+to\s+(?:\w+\s+)?(?:{FREQUENCIES})\b"
    # "weekly, up from monthly", "quarterly instead of yearly"
    rf"|\b(?:{FREQUENCIES})\s*,?\s+(?:up\s+from|down\s+from|instead\s+of)\s+(?:\w+\s+)?"
    rf"(?:{FREQUENCIES}|once|none|never)\b"
    # "every week instead of every quarter"
    r"|\bevery\s+(?:other\s+)?[a-z]+\s*,?\s+(?:instead\s+of|rather\s+than|up\s+from|down\s+from)"
    r"\s+(?:every|each|once\s+a|twice\s+a)\s+[a-z]+\b",
    _FLAGS,
)

_WORDS = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
_PERCENT_AFTER_VERB = re.compile(
    r"^\s*(?:[a-z]+\s+){1,2}(?:up\s+to\s+|over\s+|at\s+least\s+)?\d[\d.,]*\s*(?:%|percent\b|per\s+cent\b)",
    _FLAGS,
)
# An activity that names the measured result it must bring: "… that bring 200 qualified leads",
# "… and reach $500k in revenue".
# "… that sign up at least 300 new members": any verb, then a quantity.
_RESULT_CLAUSE_ANY = re.compile(
    r"\b(?:that|which|so\s+that|to)\s+(?:will\s+|should\s+|together\s+)?[a-z]+"
    r"(?:\s+(?:up|in|on|back|over))?\s+(?:at\s+least\s+|more\s+than\s+|over\s+|a\s+further\s+)?"
    # "… to Leeds in 10 days" is a deadline, not a result
    r"[$€£¥₹]?\d[\d,.]*+(?!\s*(?:days?|weeks?|months?|hours?|minutes?|years?)\b)"
    # "… so that upsell conversion reaches 15%", "… until changeover is under 20 minutes"
    r"|\bso\s+that\b[^.;]{0,60}?\d[\d.,]*\s*(?:%|percent\b)"
    r"|\buntil\b[^.;]{0,60}?\b(?:is|are|reaches|reach|falls|drops|hits)\b"
    # "… and get 1,400 of them a check", "… so that 1,200 of them claim": the people who respond
    r"|\b\d[\d,]*\s+of\s+them\b"
    # "… with at least 90% still alive after a year": the share that must come of the work
    r"|\bwith\s+(?:at\s+least\s+|over\s+|more\s+than\s+)?\d[\d.]*\s*(?:%|percent\b|per\s+cent\b)",
    _FLAGS,
)
_RESULT_CLAUSE = re.compile(
    r"\b(?:that|which|to|and|so\s+that|resulting\s+in|bringing|generating|driving|leading\s+to)"
    r"\s+(?:will\s+|should\s+|together\s+)?(?:bring|brings|generate|generates|drive|drives|reach|"
    r"reaches|win|wins|raise|raises|increase|increases|grow|grows|lift|lifts|cut|cuts|reduce|"
    r"reduces|convert|converts|attract|attracts|add|adds|save|saves|produce|produces|yield|yields|"
    r"deliver|delivers|in|more|at\s+least)\b(?P<tail>.*)$",
    _FLAGS,
)
# A stated baseline or rate makes a result of work, whatever its verb (issue 18): "… instead of
# every quarter", "… up from 61%", "currently 35%", "from 2 to 4 a month", "90% of … within …".
_BASELINE = re.compile(
    r"\binstead\s+of\b|\b(?:up|down)\s+from\b|\b(?:today|currently)\b"
    # "in 3 weeks rather than 10" (not "root causes rather than symptoms")
    rf"|\brather\s+than\s+(?:every\s+|once\s+a\s+)?(?:\d|(?:{FREQUENCIES}|{WRITTEN_NUMBERS})\b)"
    r"|\blast\s+(?:year|quarter|month|term|season|cycle)\b|\(\s*was\s+\d|\bwas\s+\d[\d.,]*\s*%"
    # "… under 10 a month, from 45", "… for 90% of requests, from 55%": where it starts
    r"|,\s*from\s+(?:[$€£]\s?)?\d"
    r"|\d\s*(?:%|percent\b|per\s+cent\b)\s+of\b.*\b(?:within|before|inside)\b",
    _FLAGS,
)
_RATE_WORDS = re.compile(
    rf"\b(?:{FREQUENCIES}|once|day|week|month|quarter|term|year|hour|minute)\b", _FLAGS
)
_FROM_TO = re.compile(r"\bfrom\s+(?P<a>.{1,40}?)\s+to\s+(?P<b>.{1,40})", _FLAGS)
# Output counted as a rate: "consultations published per quarter", "audits completed per ward",
# "updates sent to clients: from monthly to weekly" — a thing done, then how often or how many.
_DONE_RATE = re.compile(
    r"\b[a-z]+s\s+(?:completed|published|submitted|sent|issued|filed|produced|written|"
    r"conducted|held|carried\s+out|checked|posted|hosted|run|reviewed|inspected|tested|audited|"
    r"trained|logged|recorded|visited)\b"
    r"(?=.*(?:\b(?:per|each|every|a)\s+[a-z]+\b|\bfrom\b.+\bto\b))",
    _FLAGS,
)
# A rate of something done: "… at least two a month per store", "… 3 per week".
_RATE_PHRASE = re.compile(
    rf"(?:\d|\b(?:{WRITTEN_NUMBERS}|once|twice|thrice))\w*\s+(?:a|per|each|every)\s+[a-z]+"
    # "every Saturday", "every fortnight", "at the start of every shift"
    r"|\b(?:every|each)\s+(?:other\s+)?(?:day|week|fortnight|month|quarter|term|shift|season|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|evening)\b",
    _FLAGS,
)
_TOKENS = re.compile(r"[$€£¥₹]?\d[\d,.]*(?:k|m|bn|%)?|[a-z]+(?:-[a-z]+)*|%", _FLAGS)
# A number joined to its word describes a thing ("a 40-seat lab", "a 3-day course").
_SIZED = re.compile(r"\b\d[\d.,]*-(?=[a-z])")
_DESCRIBING = _set("the our their its his her my your this these those with")
_UP_FROM = re.compile(r"\bup\s+from\b", _FLAGS)
_MONEY_OR_SHARE = re.compile(r"[$€£¥₹]|.*(?:%|\d(?:k|m|bn))$")
_MONEY_AFTER_VERB = re.compile(
    r"^\s*[a-z]+(?:\s+(?:in|up|at\s+least|over|more\s+than))?\s+"
    r"(?:[$€£¥₹]\s?\d|(?:usd|eur|gbp|chf|jpy|inr|aud|cad)\s?\d|\d[\d,.]*\s?(?:k|m|bn)?\s?"
    r"(?:dollars|euros|pounds|francs|yen|rupees|usd|eur|gbp|chf)\b)",
    _FLAGS,
)
_COUNT_WORDS = frozenset(WRITTEN_NUMBERS.split("|")) - {"zero", "one"}
_RATE_OF = re.compile(
    r"\b(?:number|rate|count|amount|pace|cadence|volume)\s+of\s+(?P<tail>(?:[a-z-]+\s*){1,3})",
    _FLAGS,
)


# --- helpers ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """Strip list markers ("KR1:", "1.", "- ") and a leading "We will"; unify quotes and dashes."""
    text = (
        (text or "")[:MAX_CHARS]
        .replace("’", "'")
        .replace("‘", "'")
        .replace("–", "-")
        .replace("—", "-")
    )
    text = _PREFIX.sub("", text, count=1)
    return _LEADING_SUBJECT.sub("", text.strip(), count=1)


def words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _one_pass(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """The patterns as one alternation, each keeping its own flags: one scan of the text instead
    of one per pattern (the earlier pattern wins where two match at the same place)."""
    return re.compile(
        "|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})" for p in patterns)
    )


def _replace(patterns: tuple[re.Pattern[str], ...], word: str, text: str) -> str:
    """``_one_pass(patterns).sub(word, text)`` without compiling that alternation for each set
    of patterns a text allows: the match the alternation takes is the one that starts first, of
    the earlier pattern where two start at the same place, and the scan goes on after it."""
    if len(patterns) == 1:
        return patterns[0].sub(word, text)
    found = [p.search(text) for p in patterns]
    pieces: list[str] = []
    at = 0
    while True:
        first = None
        for match in found:
            if match is not None and (first is None or match.start() < first.start()):
                first = match
        if first is None:
            break
        if first.end() == first.start():  # an empty match: leave the scan to the alternation
            return _one_pass(list(patterns)).sub(word, text)
        pieces += (text[at : first.start()], word)
        at = first.end()
        found = [
            match if match is None or match.start() >= at else pattern.search(text, at)
            for pattern, match in zip(patterns, found, strict=True)
        ]
    return "".join((*pieces, text[at:])) if pieces else text


# Ranges, bands and dates first (their parts would otherwise be read as a year after "before" or
# a name), then the rest; then the idioms.
_PASSES = ((_NAMES[:6], " name "), (_NAMES[6:], " name "), (_IDIOMS, " idiom "))
# Every pattern of each pass, for a text that the shapes cannot read (see _Shape).
_EVERY = tuple(_one_pass([p for p, _ in patterns]) for patterns, _ in _PASSES)


@functools.lru_cache(maxsize=256)
def _without_names(text: str) -> str:
    """The text with each name that holds a number replaced by "name" and each idiom by
    "idiom". Each pass tries only the patterns that the text's shape allows: a pattern that
    cannot match anywhere in the text changes nothing in an alternation. Cached: one check asks
    it of the same text several times."""
    if not _FOLDING.isdisjoint(text):
        for every, (_, word) in zip(_EVERY, _PASSES, strict=True):
            text = every.sub(word, text)
        return text
    shape = None
    for patterns, word in _PASSES:
        shape = shape or _Shape(text)
        possible = tuple(p for p, can in patterns if can(shape))
        if possible:
            replaced = _replace(possible, word, text)
            if replaced != text:
                text, shape = replaced, None
    return text


@functools.lru_cache(maxsize=256)
def _has_quantity(text: str, *, frequency_ranges: bool) -> bool:
    text = _without_names(text)
    if _DIGIT.search(text) or _WORD_NUMBER.search(text):
        return True
    if _FRACTION.search(text) or _FRACTION_OF.search(text) or _DECADE_VALUE.search(text):
        return True
    if _IMPLIED_ONE.search(text):
        return True
    return frequency_ranges and bool(
        _FREQUENCY_RANGE.search(text)
        or _HOW_OFTEN.search(text)
        or ((" from " in text or " instead " in text) and _FREQUENCY_CHANGE.search(text))
    )


def has_number(text: str) -> bool:
    """Whether a key result's text carries a quantity that measures (not a year, date or name)."""
    return _has_quantity(normalize(text), frequency_ranges=True)


def has_metric(text: str) -> bool:
    """Whether an objective's title carries a number that sets a measurable bar.

    Years, quarters, versions, standards, ordinals and "#1" / "number one" do not.
    """
    return _has_quantity(_OBJECTIVE_ONE.sub(" ", normalize(text)), frequency_ranges=False)


def _lead_verb(ws: list[str]) -> str | None:
    """The output verb (or phrase) a key result starts with, if it is used as a verb."""
    if not ws:
        return None
    two = " ".join(ws[:2])
    three = " ".join(ws[:3])
    for phrase in OUTPUT_PHRASES:
        if three == phrase or two == phrase:
            return phrase
    first = ws[0]
    if first not in OUTPUT_VERBS:
        return None
    if _COPULAS.intersection(ws[1:3]):
        return None  # "Research data is findable…", "Test coverage is …": a noun
    following = ws[1] if len(ws) > 1 else ""
    if following in MEASURE_NOUNS:
        return None  # "Launch rate of …", "Release cadence …": a measure's name
    if first == "make" and not _COUNT_START.match(following) and _MAKE_CHANGE.intersection(ws[1:7]):
        return None  # "Make checkout faster", "Make the suite run in under 10 minutes": a change
    return first


def _states_result(text: str) -> bool:
    """Whether an activity names a measured result it must bring."""
    if _RESULT_CLAUSE_ANY.search(_without_names(text)):
        return True
    match = _RESULT_CLAUSE.search(text)
    return bool(match) and _has_quantity(match.group("tail"), frequency_ranges=True)


def states_baseline(text: str) -> bool:
    """Whether a key result states where it starts or the rate it must hold: then it reads as a
    result even when it opens with a verb of work."""
    if _BASELINE.search(text):
        return True
    match = _FROM_TO.search(text)
    return bool(match) and all(
        _has_quantity(match.group(side), frequency_ranges=False)
        or bool(_RATE_WORDS.search(match.group(side)))
        for side in ("a", "b")
    )


# Verbs joined at the start name one piece of work: "Buy, pack and hand-deliver 1,200 boxes",
# "Tear down and rebuild 9 presses" read as their first verb.
_COORDINATED = re.compile(
    r"^\s*([A-Za-z][a-z]+(?:-[a-z]+)?(?:\s+(?:up|out|off|down|over))?)"
    r"(?:\s*,\s*[a-z]+(?:-[a-z]+)?)*\s*,?\s+(?:and|or|&)\s+(?!the\b|our\b|their\b|a\b|an\b)"
    r"[a-z]+(?:-[a-z]+)?(?:\s+(?:up|out|off|down|over))?(?=\s)"
)
_ACRONYM_FIRST = re.compile(r"^\s*[A-Z]{2,}\b(?![a-z])")
_TAKEN_AWAY = re.compile(r"\b(?:off|out\s+of)\s+(?!\d)[a-z]", _FLAGS)


def _is_count(token: str) -> bool:
    return (token[0].isdigit() and not _MONEY_OR_SHARE.match(token)) or token in _COUNT_WORDS


def _without_bounds(tokens: list[str]) -> list[str]:
    """A count read as one: "at least 400 checks", "25 to 30 reviews", "between 20 and 25
    bids", "six to eight bids" → the count and what follows."""
    if tokens[:2] in (["at", "least"], ["up", "to"], ["more", "than"]):
        tokens = tokens[2:]
    elif tokens[:1] in (["between"], ["over"], ["around"], ["about"], ["some"]):
        tokens = tokens[1:]
    if (
        len(tokens) > 3
        and _is_count(tokens[0])
        and tokens[1] in ("to", "and", "or")
        and _is_count(tokens[2])
    ):
        tokens = tokens[2:]
    return tokens or ["name"]


def _imperative(text: str) -> str | None:
    """The verb a key result opens with when its shape says it is one, on a list or not: a word
    that is not a determiner, pronoun, preposition, plural noun, comparative or participle,
    followed by a determiner ("Refurbish the suites"), by a count of things ("Print 5,000
    leaflets"), by a gerund ("Pilot e-prescribing"), or ending like a verb ("Digitise patient
    records"); a particle may come between ("Stand up a tool crib")."""
    if _ACRONYM_FIRST.match(text):
        return None  # "OTIF to the plant 98%", "SEND: annual reviews …": a name, not a verb
    tokens = _TOKENS.findall(_COORDINATED.sub(r"\1", _without_names(text)).lower())
    if len(tokens) < 2:
        return None
    first = tokens[0]
    if (
        not first[0].isalpha()
        or first == "name"  # "Key Stage 4 pupils feel …": a name opens the sentence
        or first in _NOT_VERBS
        or first in _COUNT_WORDS
        or first in COMPARATIVES
        or first in OUTCOME_VERBS
        or first in MEASURE_NOUNS
        or first.endswith("ly")
        or (first.endswith("ing") and len(first) > 4)  # a gerund, not "ring" or "sing"
        or (first.endswith("s") and not first.endswith("ss"))
        or (first.endswith("ed") and not first.endswith("eed"))
    ):
        return None
    rest = tokens[1:]
    if rest[0] in _PARTICLES and len(rest) > 1 and (rest[0] != "on" or rest[1][0].isdigit()):
        first, rest = f"{first} {rest[0]}", rest[1:]
    rest = _without_bounds(rest)
    second = rest[0]
    if second in MEASURE_NOUNS or second in _COPULAS or second in ("of", "per"):
        return None
    if first in _PUT_VERBS and _TAKEN_AWAY.search(text):
        return None  # "Take 400 patients off the waiting list": a result
    if first in _PUT_VERBS and (_PUT_PLACES.search(text) or re.search(r"\b(?:onto|into)\s", text)):
        return first  # "Move staff pensions onto the new provider", "Move tracking onto Arbor"
    if second in ("to", "into", "onto") and len(rest) > 1 and rest[1] in _DETERMINERS:
        return first  # "Move to the new platform"
    gerund = second.endswith("ing") and len(second) > 5
    if gerund and len(rest) > 1 and rest[1] in DELIVERABLES:
        return None  # "Menu engineering reviews", "Discharge planning huddles": a compound noun
    if (
        first.endswith(_VERB_ENDINGS)
        or second in _DETERMINERS
        or second in ("idiom", "name")
        or gerund
    ):
        return first
    third = rest[1] if len(rest) > 1 else ""
    counted = (second[0].isdigit() and not _MONEY_OR_SHARE.match(second)) or second in _COUNT_WORDS
    if (
        counted
        and third[:1].isalpha()
        and third not in _UNITS
        # "Divert 300 tonnes of food waste": an amount, not work; "Fence 12 km of riverbank": work
        and (third not in _SIZE_UNITS or third in _WORK_SIZE_UNITS)
        and third not in _FUNCTION_WORDS
    ):
        return first
    return None


def _money_after_verb(text: str) -> bool:
    """Money right after the opening verb is an amount to bring in: "Secure €3m in grants"."""
    return bool(_MONEY_AFTER_VERB.search(text))


@functools.lru_cache(maxsize=256)
def output_verb(text: str) -> str | None:
    """The activity a key result is phrased as ("Launch the new website" → "launch"), if any.

    None when the key result is phrased as a change, names a measure ("Release cadence …"),
    sets a service level ("Deliver 98% of orders within 48 hours"), states where it starts
    ("… instead of every quarter"), or states the measured result the activity must bring
    ("Run 3 webinars that bring 200 qualified leads"). The verb need not be on a list: a key
    result shaped as an order ("Refurbish the suites", "Print 5,000 leaflets") opens with one.
    """
    text = normalize(text)
    ws = words(text)
    if not ws:
        return None
    if ws[0] in OUTCOME_VERBS:
        # "Bring the archive online": a verb of change that puts something somewhere; "Sign the
        # pledge": a signature, not customers signed.
        placed = (
            ws[0] in _PUT_VERBS
            and (
                _PUT_PLACES.search(text)
                or (ws[0] == "switch" and "to" in ws)
                # "Get the depot re-accredited": something made to be done, ending in what is done
                or (ws[0] == "get" and ws[1:2] in (["the"], ["our"]) and _ends_done(ws))
            )
        )
        signed = ws[0] == "sign" and ws[1:2] in (["the"], ["our"])
        if not ((placed or signed) and not _has_quantity(text, frequency_ranges=True)):
            return None
        verb = ws[0]
    else:
        known = ws[0] in OUTPUT_VERBS or " ".join(ws[:2]) in OUTPUT_PHRASES
        verb = _lead_verb(ws) or (None if known else _imperative(text))
    if verb is None:
        # A finished piece of work as a noun phrase: "Mobile app released to the App Store".
        if ws[0] in OUTPUT_VERBS and len(ws) > 1 and ws[1] in MEASURE_NOUNS:
            return None
        # "Mobile app released to the App Store"; not "Food cost held at 28%", nor a participle
        # deep in a sentence that has its own verb ("… see us as a service built for them").
        verb = next(
            (
                w
                for i, w in enumerate(ws[1:6], start=1)
                if w in DONE_PARTICIPLES
                and ws[i + 1 : i + 2] not in _LEVEL_AFTER
                and not _describes_next(text, w)  # "per tonne of finished steel"
            ),
            None,
        )
        if verb is not None and (
            _RATE_PHRASE.search(text) or _HOW_OFTEN.search(text) or _PER_PERIOD.search(text)
        ):
            return None  # "Seminars hosted: one a week": how often work is done (counted, not V)
        if verb is None:
            done_count = work_done(text)
            if done_count is None or _RATE_PHRASE.search(text) or _HOW_OFTEN.search(text):
                return None
            if " per " in f" {text.lower()} " or done_count.startswith("new "):
                return None
            verb = done_count.split()[-1]
    if (
        _PERCENT_AFTER_VERB.search(text)
        or _states_result(text)
        or (states_baseline(text) and not _object_is_output(text))
        or _money_after_verb(text)
    ):
        return None
    return verb


_FREQUENCY_WORDS = frozenset(FREQUENCIES.split("|"))
_TIME_BOUND = re.compile(
    r"\b(?:within|in|under)\s+\d[\d.,]*\s+(?:working\s+|business\s+|calendar\s+)?"
    r"(?:days?|weeks?|hours?|minutes?|months?)\b",
    _FLAGS,
)


def _ends_done(ws: list[str]) -> bool:
    """Whether a sentence ends in a participle: "… certified", "… signed off", "… done"."""
    if ws and ws[-1] in _PARTICLES:
        ws = ws[:-1]
    return len(ws) > 2 and (
        ws[-1] in _IRREGULAR_DONE or (ws[-1].endswith("ed") and len(ws[-1]) > 4)
    )


def _object_is_output(text: str) -> bool:
    """Whether the opening verb's object is counted output: a bare count of things ("Write 10
    client alerts a quarter, up from 3") or deliverables ("Run refresher courses monthly instead
    of yearly"). A baseline then measures more work, not a result of it (issue 18.1)."""
    if _TIME_BOUND.search(text):
        return False  # "… within 10 working days instead of 30": how soon, a result
    tokens = _TOKENS.findall(_COORDINATED.sub(r"\1", _without_names(text)).lower())
    known = bool(tokens) and tokens[0] in OUTPUT_VERBS
    tokens = tokens[1:]
    if tokens and tokens[0] in _PARTICLES:
        tokens = tokens[1:]
    if len(tokens) >= 2:
        count, thing = tokens[0], tokens[1]
        counted = (count[0].isdigit() and not _MONEY_OR_SHARE.match(count)) or (
            count in _COUNT_WORDS
        )
        people = _RESULT_NOUNS | {"participants", "people", "patients"}
        if (
            counted
            and "." not in count  # "Trustpilot 4.5+": a score, not things
            and thing[0].isalpha()
            and thing not in _UNITS | _FUNCTION_WORDS | _PARTICLES
            and thing not in ("more", "extra", "additional", "fewer", "less")
            and not people.intersection(tokens[1:4])  # people counted are a result
        ):
            return True
    named: list[str] = []
    for token in tokens[:5]:
        if not token[0].isalpha() or token in _FUNCTION_WORDS or token in _FREQUENCY_WORDS:
            break
        named.append(token)
    # Deliverables named after a verb on the list ("Bedside teaching sessions …" opens with no
    # verb, "Stock takes …" with a compound noun).
    return known and len(named) >= 2 and named[-1] in DELIVERABLES and named[-1].endswith("s")


def _counted_phrases(text: str):
    """Each counted phrase: a number (not money, not a share) and up to three words after it.

    A number that describes the thing rather than counting it is skipped: after "the" or a
    possessive ("the 50 MW site", "our 12 hotels") or joined to its word ("a 40-seat lab").
    """
    tokens = _TOKENS.findall(_SIZED.sub(" sized ", text.lower()))
    for i, token in enumerate(tokens):
        if token[0].isdigit():
            if token.endswith("%") or tokens[i + 1 : i + 2] in (["%"], ["percent"]):
                continue
        elif token not in _COUNT_WORDS:
            continue
        if i and (
            tokens[i - 1] in _DESCRIBING or (tokens[i - 1] in ("a", "an") and token[0].isdigit())
        ):
            continue  # "the 50 MW site", "a 500 kW array"
        if tokens[i + 1 : i + 2] in (["to"], ["and"], ["or"]) and _is_count(
            (tokens[i + 2 : i + 3] or ["x"])[0]
        ):
            continue  # "12 to 15 tender responses": the range is read at its end
        after = []
        for word in tokens[i + 1 : i + 4]:
            if not word[0].isalpha():
                break
            after.append(word)
        yield token, after


def _before_deliverable(ws: list[str], word: str) -> bool:
    """Whether ``word`` is followed by a deliverable: "teaching sessions", "merchandising
    checks" name the deliverable (the -ing word describes it)."""
    i = ws.index(word)
    return i + 1 < len(ws) and ws[i + 1] in DELIVERABLES


def _counted_change(text: str) -> str | None:
    """A change in how much of a deliverable is done: "Lesson observations per teacher go from
    one a term to three", "Weekly toolbox talks up from 2 to 5" — the name of what changes ends
    in a deliverable, and the key result states where it starts."""
    if "%" in text or not (
        states_baseline(text)
        or _RATE_PHRASE.search(text)
        or _HOW_OFTEN.search(text)
        or _PER_PERIOD.search(text)
    ):
        return None
    ws = words(text)
    if ws and (ws[0] in OUTCOME_VERBS or ws[0] in OUTPUT_VERBS):
        ws = ws[1:]
    measured: list[str] = []
    for word in ws:
        if word in DELIVERABLES:
            measured.append(word)
            continue
        if (
            word in _MEASURED_END
            or word in MEASURE_NOUNS
            or word in _COUNT_WORDS
            or word in ("share", "number", "one", "once", "twice", "thrice")
            or (word in _FREQUENCY_WORDS and measured)
            or (word.endswith("ing") and measured and not _before_deliverable(ws, word))
        ):
            break
        measured.append(word)
    else:
        return None
    while len(measured) > 1 and measured[-1].endswith("ed"):
        measured.pop()  # "clinic sessions staffed per month": what was done to them
    if len(measured) > 1 and measured[-2] in _ONLINE and measured[-1] in _ONLINE_COUNTS:
        return None  # "organic visits", "page views": people who came, not work done
    if measured and measured[-1] in DELIVERABLES and measured[-1].endswith("s"):
        return " ".join(measured)
    return None


# Effort put in: more of it is an input, not yet a result.
_INPUT_NOUNS = _set(
    "hours spend spending budget budgets headcount staffing investment fte ftes effort resourcing"
)
_MORE_VERBS = _set("raise increase grow lift boost double triple expand extend add")


def input_change(text: str) -> str | None:
    """The input a key result raises ("Raise coaching hours per rep from 2 to 4 a month" →
    "coaching hours"): more effort, time or money put in. Fair to track, but it asks what result
    the extra input should bring."""
    text = normalize(text)
    ws = words(text)
    if not ws:
        return None
    raises = ws[0] in _MORE_VERBS
    if raises:
        ws = ws[1:]
    elif not _UP_FROM.search(text):
        return None
    if not raises and ws and ws[0] in OUTCOME_VERBS:
        return None
    if not _has_quantity(text, frequency_ranges=True):
        return None
    measured: list[str] = []
    for word in ws:
        if word in _MEASURED_END and word != "a":
            break
        measured.append(word)
    if measured and measured[0] in ("the", "our", "a", "an"):
        measured = measured[1:]
    if measured and measured[-1] in _INPUT_NOUNS and len(measured) <= 4:
        # As written ("R&D spend"), not as split into words.
        span = re.search(r"\W+".join(map(re.escape, measured)), text, _FLAGS)
        return span.group(0) if span else " ".join(measured)
    return None


# Participles of work done ("Grant bids submitted: 24", "120 ward staff trained"); these name
# results or demand instead: what was won, kept or avoided, what came in or went wrong.
_IRREGULAR_DONE = _set("made done run held written sent built taken given drawn shown")
_NOT_WORK_DONE = _set(
    """
    retained won gained converted saved sold signed enrolled enroled reached served helped
    housed placed employed acquired reduced avoided prevented recovered raised earned returned
    renewed adopted subscribed activated attracted received reported missed failed lost delayed
    cancelled canceled rejected escaped referred admitted discharged satisfied engaged
    rated scored achieved exceeded cleared passed certified accredited approved funded listed
    """
)
_RESULT_NOUNS = _set(
    """
    customers clients members donors users subscribers patients logos accounts students pupils
    families partners volunteers employers households homes tenants residents buyers learners
    apprentices visitors guests fans followers sponsors funders investors markets jobs
    """
)


def _participle_at(ws: list[str], i: int) -> bool:
    word = ws[i]
    done = word in _IRREGULAR_DONE or (word.endswith("ed") and len(word) > 4)
    return done and word not in _NOT_WORK_DONE


# What may follow a participle that says what was done: a preposition, a determiner, an adverb.
_AFTER_DONE = _FUNCTION_WORDS | _DETERMINERS | _PARTICLES | _set("this next last each every per")
_AFTER_DONE |= _set("everywhere today again together already now")


def _describes_next(text: str, participle: str) -> bool:
    """Whether a participle stands right before a noun it describes ("marked coursework",
    "signed contracts"), rather than saying what was done to what comes before it ("bids
    submitted: 24", "porters trained in …", "tyres fitted per day")."""
    match = re.search(rf"\b{re.escape(participle)}\s+([a-z][a-z-]*)", text, _FLAGS)
    if not match:
        return False
    following = match.group(1).lower()
    # "delivered in-house", "fitted on-site": an adverb, as are "promptly" and "on time"
    adverb = following.endswith("ly") or following.split("-")[0] in _AFTER_DONE
    return not adverb and not _is_count(following)


def work_done(text: str) -> str | None:
    """Work counted as done, subject first: "Grant bids submitted: 24 this year", "120 ward staff
    trained in the new bundle", "Samples processed per technician per day from 40 to 60", or
    new things made: "Eight new cocktail specs", "New SOPs for the chilled chamber: 9" — the
    thing and what was done to it. Not a share ("… completed on time 95%"), not results won."""
    text = normalize(text)
    bare = _without_names(text)
    if (
        "%" in bare
        or _PERCENT_AFTER_VERB.search(bare)
        or not _has_quantity(text, frequency_ranges=False)
    ):
        return None
    ws = words(bare)
    if len(ws) < 2 or ws[0] in OUTPUT_VERBS or ws[0] in OUTCOME_VERBS:
        return None
    start = 1 if _is_count(ws[0]) else 0
    if ws[start : start + 1] == ["new"] or (start == 0 and ws[0] == "new"):
        named = []
        for word in ws[start + 1 :]:
            if word in _FUNCTION_WORDS or word in _COPULAS or _is_count(word) or word == "one":
                break
            if named and (word.endswith("ed") or word in _IRREGULAR_DONE):
                break  # "Two new assays validated …": what was done to them
            named.append(word)
        if named and named[-1] not in _RESULT_NOUNS and named[-1].endswith("s"):
            return " ".join(["new", *named])
        return None
    for i in range(start + 1, min(len(ws), start + 6)):
        if ws[i - 1] in _FUNCTION_WORDS or ws[i - 1] in _DETERMINERS:
            return None
        if ws[i - 1] in _NOT_WORK_DONE:
            return None  # "Missed assisted bin collections": a failure counted, not work
        if _participle_at(ws, i):
            if ws[i - 1] in _RESULT_NOUNS:
                return None
            if _describes_next(bare, ws[i]):
                continue  # "Return marked coursework": the participle describes a noun
            return " ".join(ws[start : i + 1])
    return None


# How often something happens, written as a frequency: "daily", "twice a week", "one a term",
# "every 6 weeks", "every other month" (not a count per period such as "300 a month").
_PERIOD = r"(?:day|week|fortnight|month|quarter|term|year|season|shift|semester)s?"
_FREQUENCY = (
    r"(?:hourly|nightly|daily|weekly|fortnightly|biweekly|monthly|quarterly|termly|yearly|"
    r"annually|(?:once|twice|thrice|one)\s+(?:a|per|each|every)\s+" + _PERIOD + r"|"
    r"(?:every|each)\s+(?:other\s+|few\s+|\d{1,2}\s+|two\s+|three\s+|four\s+|six\s+)?"
    + _PERIOD
    + r")"
)
# A frequency that changes, against where it starts: "from quarterly to monthly", "daily
# instead of twice a week", "monthly, up from quarterly", "from one a year to one a term".
_FREQUENCY_CHANGE = re.compile(
    rf"\bfrom\s+(?P<was>{_FREQUENCY})\s+to\s+(?P<to>{_FREQUENCY})\b"
    rf"|\b(?P<now>{_FREQUENCY})\s*,?\s+(?:instead\s+of|rather\s+than|(?:up|down)\s+from)\s+"
    rf"(?P<then>{_FREQUENCY})\b",
    _FLAGS,
)
# Days between two times a thing is done.
_DAYS_APART = {
    "hourly": 1 / 24,
    "nightly": 1,
    "daily": 1,
    "weekly": 7,
    "fortnightly": 14,
    "biweekly": 14,
    "monthly": 30,
    "quarterly": 91,
    "termly": 91,
    "yearly": 365,
    "annually": 365,
    "shift": 1 / 3,
    "day": 1,
    "week": 7,
    "fortnight": 14,
    "month": 30,
    "quarter": 91,
    "term": 91,
    "season": 91,
    "semester": 182,
    "year": 365,
}
_TIMES = {"once": 1, "one": 1, "twice": 2, "thrice": 3}
_EVERY_SO_MANY = {"other": 2, "few": 3, "two": 2, "three": 3, "four": 4, "six": 6}


def _days_apart(frequency: str) -> float:
    """How many days apart a frequency puts two times: "twice a week" → 3.5, "every 6 weeks"
    → 42, "quarterly" → 91."""
    ws = frequency.lower().split()
    last = ws[-1] if ws[-1] in _DAYS_APART else ws[-1].removesuffix("s")  # "6 weeks"
    period = _DAYS_APART[last]
    if ws[0] in _TIMES:
        return period / _TIMES[ws[0]]
    if len(ws) == 3:  # "every 6 weeks", "every other month"
        return period * (int(ws[1]) if ws[1].isdigit() else _EVERY_SO_MANY[ws[1]])
    return period


def _more_often(match: re.Match[str]) -> bool:
    """Whether a change of frequency asks for a thing to be done more often (fewer power cuts
    are a result; more sweeps are more work)."""
    new, old = (match["to"], match["was"]) if match["was"] else (match["now"], match["then"])
    return _days_apart(new) < _days_apart(old)


# Where the name of the thing whose frequency changes ends.
_FREQUENCY_SUBJECT_END = _MEASURED_END | _FUNCTION_WORDS | _FREQUENCY_WORDS
_FREQUENCY_SUBJECT_END |= {"every", "once", "twice", "thrice", "instead", "rather", "nightly"}
_FREQUENCY_SUBJECT_END |= {"termly"}
_FREQUENCY_SUBJECT_END |= {"along", "through", "throughout", "near", "around", "beside", "about"}
_PEOPLE = frozenset(("people", "participants", "staff"))
# Verbs of delivery: the rate they set is release cadence, a capability (labeling policy).
_DELIVERY_VERBS = frozenset(("release", "ship", "deploy"))


def _frequency_change(text: str) -> str | None:
    """Things to be done more often than they are: "Street sweeps: daily instead of twice a
    week", "Grow the partner newsletter from quarterly to monthly". What happens at a frequency
    is an event someone runs: more of it is output, recognised by its shape (issue 18.2) rather
    than by the name of the thing. Not a measure's name ("deployment frequency"), people, a
    thing that is neither plural nor a known deliverable ("Ship the app every week"), nor a
    thing to happen less often ("Power cuts: once a year instead of monthly", a result)."""
    lower = text.lower()
    if not ("from" in lower or "instead" in lower or "rather" in lower):
        return None  # every change of frequency states where it starts
    change = _FREQUENCY_CHANGE.search(text)
    if not change or not _more_often(change):
        return None
    ws = words(text)
    if ws and ws[0] in _DELIVERY_VERBS:
        return None  # how often a team ships is its delivery capability, not a count of output
    if ws and (ws[0] in OUTCOME_VERBS or ws[0] in OUTPUT_VERBS):
        ws = ws[1:]
    while ws and ws[0] in _DETERMINERS:
        ws = ws[1:]
    named: list[str] = []
    for word in ws:
        if word in _FREQUENCY_SUBJECT_END or word in _COUNT_WORDS:
            break
        named.append(word)
    while len(named) > 1 and named[-1].endswith("ed"):
        named.pop()  # "audits carried out": what was done to them
    if not named:
        return None
    head = named[-1]
    if head in DELIVERABLES:
        return " ".join(named)
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is")) and len(head) > 3
    if (
        plural
        and head not in MEASURE_NOUNS
        and head not in _RESULT_NOUNS
        and head not in _PEOPLE
        and head not in _INPUT_NOUNS
        and head not in _UNITS
    ):
        return " ".join(named)
    return None


def counted_deliverable(text: str) -> str | None:
    """What a key result counts when it counts output ("Publish 5 blog posts" → "5 blog posts").

    Either a number followed by a deliverable ("10 supplier review meetings"), the rate of a
    deliverable ("Launch rate of new features"), or any number in a key result phrased as work
    ("Hire 3 engineers"). None when the activity states its measured result.
    """
    text = normalize(text)
    bare = _without_names(text)
    activity = output_verb(text) is not None
    if not activity and (_states_result(text) or _PERCENT_AFTER_VERB.search(text)):
        return None
    first = None
    for number, after in _counted_phrases(bare):
        for end in range(len(after), 0, -1):
            if after[end - 1] in DELIVERABLES:
                return " ".join([number, *after[:end]])
        if first is None and after and after[0] not in _UNITS:
            first = " ".join([number, *after[:2]])
    counted = _counted_change(bare) or _frequency_change(bare)
    if counted:
        return counted
    done = _DONE_RATE.search(bare)
    if done and "%" not in bare:
        return done.group(0)
    match = _RATE_OF.search(bare)
    if match:
        noun = next((w for w in words(match.group("tail")) if w in DELIVERABLES), None)
        if noun:
            return noun
    done_count = work_done(text)
    if done_count:
        return done_count
    if activity and _has_quantity(text, frequency_ranges=False):
        if first:
            return first
        match = _WORD_NUMBER.search(bare)
        if match and not match.group(0)[0].isdigit():
            following = words(bare[match.end() :])[:1]
            if not (following and following[0] in _UNITS):
                return match.group(0)  # "twice a day", "a dozen" (not "within six weeks")
    return None


def same_objective(a: str, b: str) -> bool:
    return " ".join(words(a)) == " ".join(words(b))
