"""The questions each kind of review asks (docs/method.md §5), in the product's own words.
Pure data.

Each question has a stable id (the key of Review.answers) and its text; retrospective questions
come in the method's four groups."""

from cadence.core import limits

# --- Monthly and mid-cycle reviews ---------------------------------------------------------------

# The monthly look at the whole (docs/method.md §5): (question id, text), answers in Review.answers.
MONTHLY: tuple[tuple[str, str], ...] = (
    ("monthly-accelerate", "Where could we go faster, and what would it take?"),
    ("monthly-behind", "Which key results are falling behind, and what explains it?"),
    ("monthly-blockers", "Which obstacles put an objective at risk if nobody acts?"),
    ("monthly-help", "What help do we need, and from whom?"),
)
MONTHLY_IDS = frozenset(q for q, _ in MONTHLY)

# Halfway through: are these still the right OKRs? Target changes and abandoned objectives are
# made on the same page, each with its reason.
MID_CYCLE: tuple[tuple[str, str], ...] = (
    ("mid-right-okrs", "Knowing what we know now, are these still the objectives that matter?"),
    ("mid-targets", "Which targets no longer fit, and what should they be?"),
    ("mid-abandon", "Is there anything we should stop pursuing, so the rest gets our attention?"),
    ("mid-learned", "What have we learned so far this cycle?"),
)
MID_CYCLE_IDS = frozenset(q for q, _ in MID_CYCLE)

MAX_ANSWER = limits.MAX_LONG_TEXT
MAX_NOTES = limits.MAX_NOTES

# --- Retrospectives, department and company reviews ---------------------------------------------

# The end-of-cycle retrospective of a team: the method's four groups (docs/method.md §5). Each group
# is (id, title, [(question id, text), …]); answers are kept in Review.answers by question id.
RETROSPECTIVE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "process",
        "Our OKRs and how we worked with them",
        (
            ("retro-process-fit", "Were these the right objectives for us this cycle? Why?"),
            (
                "retro-process-measure",
                "Did our key results measure what mattered, and could we measure them easily?",
            ),
            (
                "retro-process-rhythm",
                "How well did weekly check-ins and reviews keep the OKRs in front of us?",
            ),
        ),
    ),
    (
        "success",
        "What went well",
        (
            ("retro-success-wins", "What are we proudest of this cycle?"),
            ("retro-success-why", "What made those results possible, and can we repeat it?"),
        ),
    ),
    (
        "challenges",
        "Where we fell short",
        (
            ("retro-challenges-missed", "What did we not reach, and what stood in the way?"),
            (
                "retro-challenges-surprise",
                "What surprised us: dependencies, estimates, changes of plan?",
            ),
            ("retro-challenges-help", "Where would earlier help or a decision have changed it?"),
        ),
    ),
    (
        "future",
        "Next cycle: start, stop, continue",
        (
            ("retro-future-start", "What should we start doing?"),
            ("retro-future-stop", "What should we stop doing?"),
            ("retro-future-continue", "What should we keep doing?"),
        ),
    ),
)

RETROSPECTIVE_IDS = frozenset(q for _, _, qs in RETROSPECTIVE for q, _ in qs)

# The department summary condenses its teams' overviews (up to 10 takeaways).
DEPARTMENT: tuple[tuple[str, str], ...] = (
    ("dept-patterns", "Which patterns show up across our teams' results?"),
    ("dept-support", "Where did teams need more from the department, or from each other?"),
)
DEPARTMENT_IDS = frozenset(q for q, _ in DEPARTMENT)

# The company-wide review: every team's overview, the company objectives' outcome, then these.
COMPANY: tuple[tuple[str, str], ...] = (
    ("company-outcome", "How did the company objectives turn out, and what explains it?"),
    ("company-themes", "Which themes repeat across the teams' overviews?"),
    ("company-direction", "What does this cycle tell us about next cycle's company objectives?"),
)
COMPANY_IDS = frozenset(q for q, _ in COMPANY)

MIN_LEARNINGS, MAX_LEARNINGS = 3, 6
MAX_TAKEAWAYS = 10
MAX_IDEAS = 10
