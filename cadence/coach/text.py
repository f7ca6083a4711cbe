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

import re

# Titles are at most 200 characters; reading a little more keeps every check cheap on any input.
MAX_CHARS = 300


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- words ---------------------------------------------------------------------------------------

OUTPUT_VERBS = _set(
    """
    add analyse analyze answer apply attend audit automate book build call coach complete conduct
    configure create define deliver deploy design develop discuss document draft finish fix hire
    hold host implement install integrate interview introduce launch make migrate onboard organise
    organize plan post prepare present produce publish recruit redesign refactor release replace
    research review rewrite run schedule send ship start test train translate update upgrade visit
    write
    """
)
# Two-word output verbs, matched before the one-word ones.
OUTPUT_PHRASES = ("set up", "roll out", "kick off", "sign up for", "put together")

# Verbs that open a key result phrased as a change; after one of these nothing reads as work.
OUTCOME_VERBS = _set(
    """
    achieve attain be become boost bring close convert cut decrease double expand extend generate
    get grow halve have hit increase keep lift lower maintain maximise maximize minimise minimize
    quadruple raise reach reduce retain save serve shorten sign stay sustain triple win
    enrol enroll earn lose eliminate accelerate speed improve
    """
)

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
    throughput time times velocity volume
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
    workshop workshops audit audits review reviews
    """
)

WRITTEN_NUMBERS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens"
)
MULTIPLIERS = (
    "half|halve|halved|halving|halves|double|doubled|doubling|triple|tripled|tripling|"
    "quadruple|quadrupled|twice|thrice|tenfold|twofold|threefold|percent|per\\s+cent"
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

# Numbers that name rather than measure. Each is replaced by a neutral word before counting.
_NAMES = [
    # dates: "March 31", "31 March", "31st of March", "31/03/2027"
    re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", _FLAGS),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b(?:\s+\d{{4}})?", _FLAGS),
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    # quarters, halves, fiscal years: "Q3", "H2", "FY27", "Q3 2027"
    re.compile(r"\b(?:[qh][1-4]|fy\s?\d{2,4})(?:\s+(?:19|20)\d{2})?\b", _FLAGS),
    # years after a preposition or article: "in 2027", "the 2028 fundraise", "Make 2027 …"
    re.compile(
        r"\b(?:in|by|for|of|the|since|until|till|before|after|during|through|make|"
        r"end\s+of|early|late|mid)\s+(?:19|20)\d{2}\b(?![%\d,.]|\s*[km]\b)",
        _FLAGS,
    ),
    re.compile(r"^\s*(?:19|20)\d{2}\s*:"),
    # names with a number: standards, school years, production lines, versions
    re.compile(
        r"\b(?:iso|soc|pci|wcag|year|grade|grades|line|level|tier|phase|stage|sprint|wave|"
        r"windows|python|ios|android|macos|java|php|node|web|version|gen|generation|type|class|"
        r"room|building|hall|gate|zone|route|bay|terminal|series|model|chapter|section|article|"
        r"covid|iphone|galaxy|pixel|office|hdmi|usb|wifi|wi-fi|ipv|http|oauth|tls|ssl|utf|"
        r"mp)[\s-]?\d+(?:\.\d+)*[a-z]?\b",
        _FLAGS,
    ),
    re.compile(r"\bp\d{2,3}\b", _FLAGS),  # percentiles name a measure: "p95 latency"
    re.compile(r"\bv\d+(?:\.\d+)*\b", _FLAGS),
    re.compile(r"\b\d+\.\d+\.\d+\b"),
    re.compile(r"(?<=[a-z] )[A-Z][A-Za-z]+\s+\d+\.\d+\b"),  # "Cadence 2.0" (not the first word)
    re.compile(r"\b[A-Z]{2,}-\d+\b"),  # ticket-like ids "OKR-12"
    # a year that ends a name: "Net Zero 2030", "Windows Server 2022", "Vision 2030"
    # (a capitalised word inside the sentence, not its first: "Reach 2000 members" counts)
    re.compile(r"(?<=[a-z,] )[A-Z][a-z]+\s+(?:19|20)\d{2}\b(?![%\d,.])"),
    re.compile(r"\b[2-6]g\b|\bb2[bcg]\b|\bc2c\b|\bp2p\b", _FLAGS),  # "5G", "B2C"
    # clock times: "by 9am", "at 17:30"
    re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b", _FLAGS),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b", _FLAGS),  # ordinals "1st", "3rd"
]
# Idioms that look like numbers but set no measurable bar.
_IDIOMS = re.compile(
    r"#\s?1\b|\bno\.?\s?1\b|\bnumber\s+one\b|\byear\s+one\b|\bday\s+one\b|\bno\s+one\b|"
    r"\bone\s+of\b|\bone\s+(?:team|company|place|platform|voice|click|stop|step|view|source)\b|"
    r"\bany\s+one\b|\bone-stop\b|\bone-on-one\b|\bone-to-one\b|\b1:1\b|\b24/7\b",
    _FLAGS,
)
_DIGIT = re.compile(r"\d")
# Units of time and measure: "within 2 days" bounds the work, it does not count it.
_UNITS = _set(
    "ms second seconds minute minutes hour hours day days week weeks month months year years "
    "percent points point"
)
_COUNT_START = re.compile(rf"(?:\d|(?:{WRITTEN_NUMBERS})$)")
# In an objective "one" is unity ("one design language"), unless it starts a large number.
_OBJECTIVE_ONE = re.compile(
    r"\bone\b(?!\s+(?:hundred|thousand|million|billion|in\s+\w+)\b)", _FLAGS
)
_WORD_NUMBER = re.compile(rf"\b(?:{WRITTEN_NUMBERS}|{MULTIPLIERS})\b|\b\d+(?:\.\d+)?x\b", _FLAGS)
_FRACTION = re.compile(r"\b(?:by|cut|to|of)\s+(?:a|one)\s+(?:third|quarter|fifth|tenth)\b", _FLAGS)
_FRACTION_OF = re.compile(r"\b(?:a|one|two)\s+(?:thirds?|quarters?|fifths?)\s+of\b", _FLAGS)
_FREQUENCY_RANGE = re.compile(
    rf"\bfrom\s+(?:\w+\s+)?(?:{FREQUENCIES})\s+to\s+(?:\w+\s+)?(?:{FREQUENCIES})\b", _FLAGS
)

_WORDS = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
_PERCENT_AFTER_VERB = re.compile(
    r"^\s*(?:[a-z]+\s+){1,2}(?:up\s+to\s+|over\s+|at\s+least\s+)?\d[\d.,]*\s*(?:%|percent\b|per\s+cent\b)",
    _FLAGS,
)
# An activity that names the measured result it must bring: "… that bring 200 qualified leads",
# "… and reach $500k in revenue".
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
    r"|\blast\s+(?:year|quarter|month|term|season|cycle)\b"
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
    r"conducted|held|carried\s+out)\b"
    r"(?=.*(?:\b(?:per|each|every|a)\s+[a-z]+\b|\bfrom\b.+\bto\b))",
    _FLAGS,
)
_TOKENS = re.compile(r"[$€£]?\d[\d,.]*(?:k|m|%)?|[a-z]+(?:-[a-z]+)*|%", _FLAGS)
_COUNT_WORDS = frozenset(WRITTEN_NUMBERS.split("|")) - {"zero", "one"}
_RATE_OF = re.compile(
    r"\b(?:number|rate|count|amount|pace|cadence|volume)\s+of\s+(?P<tail>(?:[a-z-]+\s*){1,3})",
    _FLAGS,
)


# --- helpers ------------------------------------------------------------------------------------


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


def _without_names(text: str) -> str:
    for pattern in _NAMES:
        text = pattern.sub(" name ", text)
    return _IDIOMS.sub(" idiom ", text)


def _has_quantity(text: str, *, frequency_ranges: bool) -> bool:
    text = _without_names(text)
    if _DIGIT.search(text) or _WORD_NUMBER.search(text):
        return True
    if _FRACTION.search(text) or _FRACTION_OF.search(text):
        return True
    return frequency_ranges and bool(_FREQUENCY_RANGE.search(text))


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
    following = ws[1] if len(ws) > 1 else ""
    if following in MEASURE_NOUNS:
        return None  # "Launch rate of …", "Release cadence …": a measure's name
    if first == "make" and not _COUNT_START.match(following) and _MAKE_CHANGE.intersection(ws[1:7]):
        return None  # "Make checkout faster", "Make the suite run in under 10 minutes": a change
    return first


def _states_result(text: str) -> bool:
    """Whether an activity names a measured result it must bring."""
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


def output_verb(text: str) -> str | None:
    """The activity a key result is phrased as ("Launch the new website" → "launch"), if any.

    None when the key result is phrased as a change, names a measure ("Release cadence …"),
    sets a service level ("Deliver 98% of orders within 48 hours"), or states the measured
    result the activity must bring ("Run 3 webinars that bring 200 qualified leads").
    """
    text = normalize(text)
    ws = words(text)
    if not ws or ws[0] in OUTCOME_VERBS:
        return None
    verb = _lead_verb(ws)
    if verb is None:
        # A finished piece of work as a noun phrase: "Mobile app released to the App Store".
        if ws[0] in OUTPUT_VERBS and len(ws) > 1 and ws[1] in MEASURE_NOUNS:
            return None
        verb = next((w for w in ws[1:] if w in DONE_PARTICIPLES), None)
        if verb is None:
            return None
    if _PERCENT_AFTER_VERB.search(text) or _states_result(text) or states_baseline(text):
        return None
    return verb


def _counted_phrases(text: str):
    """Each counted phrase: a number (not money, not a share) and up to three words after it."""
    tokens = _TOKENS.findall(text.lower())
    for i, token in enumerate(tokens):
        if token[0].isdigit():
            if token.endswith("%") or tokens[i + 1 : i + 2] in (["%"], ["percent"]):
                continue
        elif token not in _COUNT_WORDS:
            continue
        after = []
        for word in tokens[i + 1 : i + 4]:
            if not word[0].isalpha():
                break
            after.append(word)
        yield token, after


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
    done = _DONE_RATE.search(bare)
    if done:
        return done.group(0)
    match = _RATE_OF.search(bare)
    if match:
        noun = next((w for w in words(match.group("tail")) if w in DELIVERABLES), None)
        if noun:
            return noun
    if activity and _has_quantity(text, frequency_ranges=False):
        if first:
            return first
        match = _WORD_NUMBER.search(bare)
        if match and not match.group(0)[0].isdigit():
            return match.group(0)  # "twice a day", "a dozen"
    return None


def same_objective(a: str, b: str) -> bool:
    return " ".join(words(a)) == " ".join(words(b))
