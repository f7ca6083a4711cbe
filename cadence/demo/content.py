"""What the demo organization contains: people, units, objectives and key results.

Northwind Labs is a small software company whose customers cancel too soon. Its story follows
the worked examples of the OKR guide in the project's seeds (a company objective on customer
retention moved by Product, Marketing and Customer Success; a Finance team simplifying payment
requests; a Sales team speeding up deals) retold in Cadence's own words. The loader turns these
plain records into rows through the services, and generates the weekly check-in history from
each key result's ``trend`` and ``shape`` with a fixed seed, relative to the day it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORGANIZATION_NAME = "Northwind Labs"
ADMIN_EMAIL = "admin@example.com"
DEMO_PASSWORD = "cadence-demo"
SEED = "northwind-labs-demo"


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    email: str
    role: str = "member"  # organization role: admin, member, viewer
    login: bool = False  # gets the demo password (the others are colleagues to look at)


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    kind: str  # department or team
    parent: str | None  # unit key; None: the company
    leads: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyResultSpec:
    key: str
    title: str
    owner: str
    kind: str = "metric"
    start: float | None = None
    target: float | None = None
    unit: str = ""
    direction: str = ""
    decimals: int = 0
    # History: progress ≈ trend × expected progress at each weekly check-in (metrics).
    trend: float = 1.0
    # steady | late (slow start, then faster) | dip (last value drops) |
    # stalled (last three weekly values equal) | stale (no check-in for the last two weeks)
    shape: str = "steady"
    # Threshold: the value drifts from path[0] to path[1] over the cycle.
    path: tuple[float, float] | None = None
    # A threshold breach at this check-in, counted from the end (e.g. 3: third to last).
    breach_from_end: int | None = None
    # Milestone: done once this share of the cycle has passed.
    done_at: float | None = None
    # Reports "on track" whatever the numbers say (the product flags the mismatch).
    optimistic: bool = False
    notes: tuple[str, ...] = ()
    # Said at the last check-in, explaining a dip, a stall or a breach.
    last_note: str = ""


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: str
    unit: str  # unit key; "company" for the company unit
    cycle: str  # year | current | previous
    owner: str
    author: str  # who wrote it (must be allowed to edit the unit)
    parent: str | None = None
    commitment: str = "committed"
    why: str = ""
    # approved | closed | proposed (waiting for approval) | returned (with ``review``) | draft
    state: str = "approved"
    key_results: tuple[KeyResultSpec, ...] = field(default_factory=tuple)
    standalone_reason: str = ""  # why a team objective aligns to nothing
    review: str = ""  # the approver's comment when returned
    visibility: str = "organization"  # or "unit": private to its team, the leads above, admins


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("avery", "Avery Collins", ADMIN_EMAIL, role="admin", login=True),
    PersonSpec("priya", "Priya Raman", "priya.raman@example.com"),
    PersonSpec("jonas", "Jonas Berg", "jonas.berg@example.com"),
    PersonSpec("lena", "Lena Okafor", "lena.okafor@example.com", login=True),
    PersonSpec("tomas", "Tomás Ruiz", "tomas.ruiz@example.com"),
    PersonSpec("mei", "Mei Tanaka", "mei.tanaka@example.com"),
    PersonSpec("sam", "Sam Patel", "sam.patel@example.com"),
    PersonSpec("olu", "Olu Adeyemi", "olu.adeyemi@example.com"),
    PersonSpec("hannah", "Hannah Weiss", "hannah.weiss@example.com"),
    PersonSpec("daniel", "Daniel Reyes", "daniel.reyes@example.com"),
    PersonSpec("chloe", "Chloé Martin", "chloe.martin@example.com"),
    PersonSpec("ravi", "Ravi Menon", "ravi.menon@example.com"),
    PersonSpec("ines", "Inês Duarte", "ines.duarte@example.com"),
    PersonSpec("marcus", "Marcus Lindqvist", "marcus.lindqvist@example.com"),
    PersonSpec("nora", "Nora Fischer", "nora.fischer@example.com"),
    PersonSpec("kwame", "Kwame Mensah", "kwame.mensah@example.com"),
    PersonSpec("julia", "Julia Novak", "julia.novak@example.com"),
    PersonSpec("sofia", "Sofia Almeida", "sofia.almeida@example.com"),
    PersonSpec("ben", "Ben Carter", "ben.carter@example.com"),
    PersonSpec("aisha", "Aisha Khan", "aisha.khan@example.com"),
    PersonSpec("grace", "Grace Liu", "grace.liu@example.com"),
    PersonSpec("peter", "Peter Holm", "peter.holm@example.com"),
    PersonSpec("maya", "Maya Cohen", "maya.cohen@example.com"),
    PersonSpec("helen", "Helen Park", "helen.park@example.com", role="viewer", login=True),
)

# The company unit is created with the organization; its leadership team are members of it.
COMPANY_LEADS = ("avery",)
COMPANY_MEMBERS = ("priya", "daniel", "grace")

UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("prodeng", "Product & Engineering", "department", None, leads=("priya",)),
    UnitSpec("gtm", "Go-to-market", "department", None, leads=("daniel",)),
    UnitSpec("ops", "Operations", "department", None, leads=("grace",)),
    UnitSpec("product", "Product", "team", "prodeng", ("jonas",), ("lena", "tomas")),
    UnitSpec("engineering", "Engineering", "team", "prodeng", ("mei",), ("sam", "olu", "hannah")),
    UnitSpec("marketing", "Marketing", "team", "gtm", ("chloe",), ("ravi", "ines")),
    UnitSpec("sales", "Sales", "team", "gtm", ("marcus",), ("nora", "kwame", "julia")),
    UnitSpec("success", "Customer Success", "team", "gtm", ("sofia",), ("ben", "aisha")),
    UnitSpec("finance", "Finance", "team", "ops", ("peter",), ("maya",)),
)

OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    # The year ------------------------------------------------------------------------------
    ObjectiveSpec(
        "annual",
        "Grow recurring revenue on customers who stay with us",
        unit="company",
        cycle="year",
        owner="avery",
        author="avery",
        why=(
            "Most of our revenue next year will come from customers we already have. Keeping "
            "them, and winning the kind of customer who stays, is worth more than sign-ups."
        ),
    ),
    # The previous quarter: learning why customers leave (closed) ---------------------------
    ObjectiveSpec(
        "learn_churn",
        "Understand why customers cancel",
        unit="company",
        cycle="previous",
        owner="avery",
        author="avery",
        parent="annual",
        state="closed",
        why="We knew churn was too high but could only guess at the reasons.",
        key_results=(
            KeyResultSpec(
                "churn_reasons",
                "Raise cancellations with a recorded reason from 20% to 90%",
                owner="sofia",
                start=20,
                target=90,
                unit="%",
                trend=1.08,
                notes=(
                    "Cancellation form now asks for a reason before it confirms.",
                    "Calling every cancelling account that skips the form.",
                    "Reasons so far: confusing setup, slow answers, missing integrations.",
                    "Weekly churn digest goes to all team leads from now on.",
                    "Past the target; keeping the calls going anyway.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "faster_answers",
        "Answer customers faster",
        unit="success",
        cycle="previous",
        owner="sofia",
        author="sofia",
        parent="learn_churn",
        state="closed",
        key_results=(
            KeyResultSpec(
                "first_response_q_prev",
                "Cut average first response time from 8h to 5h",
                owner="aisha",
                start=8,
                target=5,
                unit="h",
                decimals=1,
                trend=0.92,
                notes=(
                    "Shared inbox split by topic so the right person sees each question.",
                    "Saved replies for the ten most common questions.",
                    "Evening cover from the Lisbon office helps with US customers.",
                    "Holiday week slowed us down a little.",
                ),
            ),
        ),
    ),
    # The previous quarter's team objectives, closed and scored (retrospectives below) --------
    ObjectiveSpec(
        "prev_stuck",
        "See for ourselves where new customers get stuck",
        unit="product",
        cycle="previous",
        owner="jonas",
        author="jonas",
        parent="learn_churn",
        state="closed",
        why="Support heard about setup trouble weeks after it happened; we wanted to see it live.",
        key_results=(
            KeyResultSpec(
                "prev_known_cause",
                "Setup problems with a known cause from 10% to 75%",
                owner="lena",
                start=10,
                target=75,
                unit="%",
                trend=1.1,
                notes=(
                    "Sat in on eight setup calls this week.",
                    "Tagged every setup ticket with the step it happened on.",
                    "Three steps explain most of the trouble: import, roles, first report.",
                ),
            ),
            KeyResultSpec(
                "prev_week_one",
                "New customers who finish setup in their first week from 30% to 45%",
                owner="tomas",
                start=30,
                target=45,
                unit="%",
                trend=0.8,
                notes=(
                    "Import help text rewritten.",
                    "Role templates shipped; the report step is still slow.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "prev_calm_releases",
        "Make releases uneventful",
        unit="engineering",
        cycle="previous",
        owner="mei",
        author="mei",
        parent="learn_churn",
        state="closed",
        why="Two bad releases last spring appear in the cancellation reasons.",
        key_results=(
            KeyResultSpec(
                "prev_rollbacks",
                "Releases rolled back from 6 a month to 1",
                owner="olu",
                start=6,
                target=1,
                unit="rollbacks/month",
                trend=0.8,
                notes=(
                    "Staging now mirrors production data volumes.",
                    "One rollback this month, caused by a missed migration.",
                ),
            ),
            KeyResultSpec(
                "prev_checklist",
                "Release checklist runs automatically on every deploy",
                owner="sam",
                kind="milestone",
                done_at=0.6,
                notes=("Checklist automated; manual sign-off still needed for schema changes.",),
            ),
        ),
    ),
    ObjectiveSpec(
        "prev_stories",
        "Let customers who stay tell our story",
        unit="marketing",
        cycle="previous",
        owner="chloe",
        author="chloe",
        parent="learn_churn",
        commitment="aspirational",
        state="closed",
        key_results=(
            KeyResultSpec(
                "prev_story_readers",
                "Sign-ups who read a customer story first from 5% to 20%",
                owner="ines",
                start=5,
                target=20,
                unit="%",
                decimals=1,
                trend=0.72,
                notes=(
                    "Four long-time customers agreed to be interviewed.",
                    "Stories linked from the pricing page.",
                    "The story with numbers in it does best by far.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "prev_qualify",
        "Spend our demo time on prospects who fit",
        unit="sales",
        cycle="previous",
        owner="marcus",
        author="marcus",
        parent="learn_churn",
        state="closed",
        why="Customers who were never a good fit cancel first; we sold to them anyway.",
        key_results=(
            KeyResultSpec(
                "prev_qualified_demos",
                "Demos booked after a qualification call from 30% to 80%",
                owner="nora",
                start=30,
                target=80,
                unit="%",
                trend=0.55,
                notes=(
                    "Qualification script agreed with Customer Success.",
                    "Inbound demos still skip the call when the prospect is in a hurry.",
                    "Holiday season: fewer calls, more direct bookings.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "prev_suppliers",
        "Pay our suppliers on time",
        unit="finance",
        cycle="previous",
        owner="peter",
        author="peter",
        state="closed",
        standalone_reason="Suppliers are partners too; no customer objective covers this.",
        why="Late payments cost us early-payment discounts and the goodwill of two key vendors.",
        key_results=(
            KeyResultSpec(
                "prev_late_invoices",
                "Supplier invoices paid late from 30 to 5 a month",
                owner="maya",
                start=30,
                target=5,
                unit="invoices/month",
                trend=0.6,
                notes=(
                    "Weekly payment run instead of twice a month.",
                    "Most late ones wait for an approver who is away.",
                ),
            ),
            KeyResultSpec(
                "prev_approval_days",
                "Invoices approved within three days from 40% to 90%",
                owner="peter",
                start=40,
                target=90,
                unit="%",
                trend=1.1,
                notes=("Approval reminders go out on day two.",),
            ),
        ),
    ),
    # The current quarter: keep more customers -----------------------------------------------
    ObjectiveSpec(
        "retention",
        "Keep more of the customers we win",
        unit="company",
        cycle="current",
        owner="avery",
        author="avery",
        parent="annual",
        why=(
            "Too many customers cancel in their first three months, and each one we lose has "
            "to be won again. Last quarter showed why they leave: setup is confusing, answers "
            "are slow, and some were never a good fit. Team OKRs below move this objective."
        ),
    ),
    ObjectiveSpec(
        "efficient_growth",
        "Grow without burning more cash",
        unit="company",
        cycle="current",
        owner="grace",
        author="avery",
        parent="annual",
        why="Growth only helps if a new customer pays back what it cost to win them.",
        key_results=(
            KeyResultSpec(
                "payback",
                "Bring the months needed to earn back acquisition cost from 14 to 10",
                owner="grace",
                start=14,
                target=10,
                unit="months",
                decimals=1,
                trend=0.85,
                notes=(
                    "September cohort is in: payback improved on the smaller plans.",
                    "Paused two paid channels that never paid back.",
                    "Annual prepay offer is lifting cash up front.",
                    "Enterprise deals take longer to pay back; watching the mix.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "onboarding",
        "Make onboarding something new customers finish",
        unit="product",
        cycle="current",
        owner="jonas",
        author="jonas",
        parent="retention",
        why=(
            "Only about one new workspace in eight completes setup, and a large share of "
            "support questions are about basics the product should explain by itself."
        ),
        key_results=(
            KeyResultSpec(
                "onboarding_rate",
                "Raise the share of new workspaces that complete onboarding from 13% to 45%",
                owner="lena",
                start=13,
                target=45,
                unit="%",
                trend=1.0,
                shape="dip",
                notes=(
                    "Shorter first step is live for half of new sign-ups.",
                    "Cut the setup from fifteen steps to seven.",
                    "Sample data in new workspaces helps people see the point sooner.",
                    "Completion keeps climbing for teams invited by a colleague.",
                    "Progress emails on day 2 and day 5 are out.",
                ),
                last_note=(
                    "Dropped this week: the last release moved the checklist behind the menu. "
                    "Fix ships on Monday."
                ),
            ),
            KeyResultSpec(
                "tickets",
                "Cut product-related support tickets from 220 to 120 a month",
                owner="tomas",
                start=220,
                target=120,
                unit="tickets/month",
                trend=1.05,
                notes=(
                    "Tagged a month of tickets: a third are about importing data.",
                    "Import screen explains the file format inline now.",
                    "Help links next to the three most confusing settings.",
                    "Fewer permission questions since roles have descriptions.",
                ),
            ),
            KeyResultSpec(
                "day30_activity",
                "Lift 30-day activity of new users from 40% to 70%",
                owner="jonas",
                start=40,
                target=70,
                unit="%",
                trend=0.7,
                notes=(
                    "Slow start: the new checklist only reaches people after day three.",
                    "Weekly summary email in test with a quarter of new accounts.",
                    "Small accounts are fine; larger ones go quiet after the admin sets up.",
                ),
            ),
            KeyResultSpec(
                "checklist",
                "Guided setup checklist on for every new workspace",
                owner="tomas",
                kind="milestone",
                done_at=0.45,
                notes=(
                    "Checklist built, behind a flag for internal workspaces.",
                    "On for every new workspace.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "reliable_releases",
        "Ship releases customers can rely on",
        unit="engineering",
        cycle="current",
        owner="mei",
        author="mei",
        parent="retention",
        why="Regressions after a release show up in support tickets and in cancellation reasons.",
        key_results=(
            KeyResultSpec(
                "bugs",
                "Reduce customer-reported bugs per release from 18 to 6",
                owner="sam",
                start=18,
                target=6,
                unit="bugs/release",
                trend=1.0,
                shape="stalled",
                notes=(
                    "Release checklist now includes a pass over the top customer flows.",
                    "End-to-end tests cover signup, import and billing.",
                    "Staged rollout to 10% of workspaces first.",
                ),
                last_note=(
                    "Still flat: the test suite rewrite is waiting for review, and the last two "
                    "releases were small."
                ),
            ),
            KeyResultSpec(
                "uptime",
                "Keep monthly uptime at or above 99.9%",
                owner="olu",
                kind="threshold",
                target=99.9,
                direction="at_least",
                unit="%",
                decimals=2,
                path=(99.93, 99.97),
                breach_from_end=3,
                notes=(
                    "Quiet week on call.",
                    "Database failover drill went fine.",
                    "Alerting moved to the new status page.",
                ),
                last_note="Back above the bar since the storage fix.",
            ),
        ),
    ),
    ObjectiveSpec(
        "good_fit_leads",
        "Bring in customers who are a good fit and stay",
        unit="marketing",
        cycle="current",
        owner="chloe",
        author="chloe",
        parent="retention",
        why=(
            "Sign-ups from broad campaigns cancel twice as often as customers who find us "
            "through reviews and recommendations."
        ),
        key_results=(
            KeyResultSpec(
                "icp_share",
                "Raise the share of new sign-ups that match our ideal customer from 35% to 60%",
                owner="ravi",
                start=35,
                target=60,
                unit="%",
                trend=0.95,
                notes=(
                    "Stopped the broad awareness campaign.",
                    "Landing pages now speak to operations teams of 20 to 200 people.",
                    "Qualifying question added to the sign-up form.",
                    "Partner webinar brought in exactly the accounts we want.",
                ),
            ),
            KeyResultSpec(
                "review_leads",
                "Grow qualified leads from software review sites from 500 to 2,000 a month",
                owner="ines",
                start=500,
                target=2000,
                unit="leads/month",
                trend=0.5,
                optimistic=True,
                notes=(
                    "Asked our happiest customers for reviews.",
                    "Profile refreshed on the two biggest review sites.",
                    "Review count is up; the leads take a few weeks to follow.",
                    "Sponsored placement starts next month.",
                ),
            ),
            KeyResultSpec(
                "guide_downloads",
                "Reach 3,000 downloads of the refreshed customer guide",
                owner="ravi",
                start=0,
                target=3000,
                unit="downloads",
                trend=1.0,
                shape="late",
                notes=(
                    "New edition written with three customer stories.",
                    "Guide is live; first newsletter mention went out.",
                    "Picked up by an industry newsletter, downloads jumped.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "settle_in",
        "Help new customers settle in and stay",
        unit="success",
        cycle="current",
        owner="sofia",
        author="sofia",
        parent="retention",
        why=(
            "Customers who have a follow-up call in their first month renew far more often, "
            "but we reach too few of them and answer them too slowly."
        ),
        key_results=(
            KeyResultSpec(
                "followups",
                "Book more follow-up meetings with new customers: from 7 to 21 a week",
                owner="ben",
                start=7,
                target=21,
                unit="meetings/week",
                trend=1.0,
                notes=(
                    "Booking link added to the welcome email.",
                    "Offering short 15-minute slots works better than full hours.",
                    "Account owners now get a reminder when a new customer has no call yet.",
                ),
            ),
            KeyResultSpec(
                "first_response",
                "Cut average first response time from 5h to 1h",
                owner="aisha",
                start=5,
                target=1,
                unit="h",
                decimals=1,
                trend=1.1,
                notes=(
                    "Answer library rebuilt from last quarter's top questions.",
                    "Chat is staffed from 8 to 20 now.",
                    "Routing by topic took another half hour off.",
                ),
            ),
            KeyResultSpec(
                "nps",
                "Keep the Net Promoter Score at or above 50",
                owner="sofia",
                kind="threshold",
                target=50,
                direction="at_least",
                unit="NPS",
                path=(46, 55),
                notes=(
                    "Still below 50: detractors mention slow replies.",
                    "Back above 50 after the faster-answers push.",
                    "Promoters mention the onboarding calls by name.",
                ),
            ),
            KeyResultSpec(
                "message_open_rate",
                "Raise the open rate of in-product messages from 4% to 15%",
                owner="ben",
                start=4,
                target=15,
                unit="%",
                decimals=1,
                trend=0.6,
                notes=(
                    "Rewrote the first three messages in plain language.",
                    "Messages now wait until the person has finished a task.",
                    "Still too many messages in week one; trimming.",
                ),
            ),
        ),
    ),
    # The current quarter: grow efficiently --------------------------------------------------
    # Private to Finance (and the leads above it, and admins): a supplier change that staff
    # should hear about from their lead once it is decided, not from a board.
    ObjectiveSpec(
        "payroll_move",
        "Move payroll to the new provider without a single late payday",
        unit="finance",
        cycle="current",
        owner="peter",
        author="peter",
        parent="efficient_growth",
        visibility="unit",
        why=(
            "The current payroll contract ends in March. Everyone is told once the switch date "
            "is fixed; until then the plan stays with Finance."
        ),
        key_results=(
            KeyResultSpec(
                "payroll_parallel",
                "Run 3 parallel payroll months with no difference above 1 EUR per payslip",
                owner="maya",
                start=0,
                target=3,
                unit="months",
                trend=1.0,
                notes=(
                    "First parallel run: two rounding differences on overtime, fixed.",
                    "Second parallel run matched to the cent.",
                ),
            ),
            KeyResultSpec(
                "payroll_cost",
                "Cut payroll processing cost from 14 to 9 EUR per payslip",
                owner="peter",
                start=14,
                target=9,
                unit="EUR/payslip",
                decimals=1,
                trend=0.8,
                notes=(
                    "Signed price covers year-end statements too.",
                    "Dropped the separate expense-upload fee.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "simple_finance",
        "Make paying and reporting simple for every team",
        unit="finance",
        cycle="current",
        owner="peter",
        author="peter",
        parent="efficient_growth",
        why=(
            "Late paperwork causes late-payment fees and late monthly reports. Most of it "
            "traces back to a payment request form that is hard to fill in correctly."
        ),
        key_results=(
            KeyResultSpec(
                "categorized_invoices",
                "Raise invoices that arrive with an expense category from 0% to 80%",
                owner="maya",
                start=0,
                target=80,
                unit="%",
                trend=1.1,
                notes=(
                    "Expense categories added to the payment request form.",
                    "Walked every team lead through the new form.",
                    "Sales and Marketing fill it in almost every time now.",
                ),
            ),
            KeyResultSpec(
                "late_documents",
                "Cut supporting documents that arrive late from 45 to 36 a month",
                owner="peter",
                start=45,
                target=36,
                unit="documents/month",
                trend=0.8,
                shape="stale",
                notes=(
                    "Reminder goes out three days before each payment deadline.",
                    "Short guide on receipts and invoices shared with team leads.",
                ),
            ),
            KeyResultSpec(
                "payment_time",
                "Shorten payment processing, from request to paid, from 16h to 8h",
                owner="maya",
                start=16,
                target=8,
                unit="h",
                decimals=1,
                trend=0.9,
                notes=(
                    "Approvals cut to at most three people.",
                    "Weekly budget request replaces ad-hoc approvals.",
                    "Bank batch runs twice a day now.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "faster_deals",
        "Win deals faster and open the German market",
        unit="sales",
        cycle="current",
        owner="marcus",
        author="marcus",
        parent="efficient_growth",
        commitment="aspirational",
        why=(
            "Prospects lose interest during a two-month sales process, and Germany is our "
            "largest untapped market. This is a stretch: reaching 70% would be a good quarter."
        ),
        key_results=(
            KeyResultSpec(
                "lead_to_close",
                "Cut average time from lead to signed deal from 60 to 31 days",
                owner="nora",
                start=60,
                target=31,
                unit="days",
                trend=0.7,
                notes=(
                    "Trial starts on the first call instead of after the demo.",
                    "Standard contract for deals under 20 seats, no legal review.",
                    "Security questionnaire answers ready to send.",
                ),
            ),
            KeyResultSpec(
                "sql_to_trial",
                "Raise conversion from sales-qualified lead to trial from 30% to 60%",
                owner="kwame",
                start=30,
                target=60,
                unit="%",
                trend=0.45,
                notes=(
                    "Follow-ups now tailored to the prospect's industry.",
                    "Too many leads from the webinar were not ready; qualifying earlier.",
                    "Offering a guided trial with our team helps larger prospects.",
                ),
            ),
            KeyResultSpec(
                "germany",
                "Sign the first 5 enterprise customers in Germany",
                owner="julia",
                start=0,
                target=5,
                unit="customers",
                trend=0.75,
                shape="late",
                notes=(
                    "German pricing page and contract are ready.",
                    "Three pilots running, two in procurement.",
                    "First German enterprise customer signed.",
                ),
            ),
        ),
    ),
)


# Next quarter, being planned (docs/method.md §7: propose → approve) ------------------------------
# Teams draft and propose; the parent objective's owner (or a lead above a standalone team
# objective) approves or returns them. No check-ins: the quarter has not started.

NEXT_OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    ObjectiveSpec(
        "next_first_month",
        "Make a customer's first month with us count",
        unit="company",
        cycle="next",
        owner="avery",
        author="avery",
        why="Customers who get real value in their first month stay for years; most who cancel "
        "decide in those weeks.",
    ),
    ObjectiveSpec(
        "next_guided_setup",
        "New customers set up their first project without our help",
        unit="product",
        cycle="next",
        owner="lena",
        author="jonas",
        parent="next_first_month",
        state="proposed",
        why="Half of all setup calls are about the same three steps.",
        key_results=(
            KeyResultSpec(
                "next_self_setup",
                "Projects set up without a support call from 55% to 80%",
                owner="lena",
                start=55,
                target=80,
                unit="%",
            ),
            KeyResultSpec(
                "next_setup_time",
                "Median time to a first live project from 9 days to 3",
                owner="tomas",
                start=9,
                target=3,
                unit="days",
            ),
        ),
    ),
    ObjectiveSpec(
        "next_platform_upkeep",
        "Run the platform on supported versions only",
        unit="engineering",
        cycle="next",
        owner="mei",
        author="mei",
        state="proposed",
        standalone_reason="Upgrades serve no company objective directly, but every later "
        "release depends on them.",
        key_results=(
            KeyResultSpec(
                "next_unsupported",
                "Services on unsupported runtimes from 7 to 0",
                owner="sam",
                start=7,
                target=0,
                unit="services",
            ),
        ),
    ),
    ObjectiveSpec(
        "next_onboarding_stories",
        "Show prospects what their first month will look like",
        unit="marketing",
        cycle="next",
        owner="ines",
        author="chloe",
        parent="next_first_month",
        state="returned",
        review="The key result counts videos we publish, not what they change. What should "
        "prospects do differently after watching? Measure that, then propose again.",
        key_results=(
            KeyResultSpec(
                "next_videos",
                "Publish 6 onboarding videos",
                owner="ines",
                start=0,
                target=6,
                unit="videos",
            ),
        ),
    ),
    ObjectiveSpec(
        "next_close_faster",
        "Close the books in three days",
        unit="finance",
        cycle="next",
        owner="peter",
        author="peter",
        standalone_reason="An internal commitment to the board; no customer objective covers it.",
        key_results=(
            KeyResultSpec(
                "next_close_days",
                "Working days to close a month from 8 to 3",
                owner="maya",
                start=8,
                target=3,
                unit="days",
            ),
        ),
    ),
    ObjectiveSpec(
        "next_partner_channel",
        "Open a partner channel in the Nordics",
        unit="sales",
        cycle="next",
        owner="marcus",
        author="marcus",
        state="draft",
    ),
)


@dataclass(frozen=True)
class DependencySpec:
    objective: str  # the objective key that needs something
    provider: str  # the unit key asked for it
    description: str
    state: str = "requested"  # requested | acknowledged | at_risk | done
    note: str = ""


DEPENDENCIES: tuple[DependencySpec, ...] = (
    DependencySpec(
        "good_fit_leads",
        "product",
        "A sign-up question about company size, so we can tell good-fit leads apart.",
    ),
    DependencySpec(
        "settle_in",
        "engineering",
        "A weekly export of product usage per account for the health score.",
        state="acknowledged",
        note="Planned for the second half of the quarter.",
    ),
    DependencySpec(
        "faster_deals",
        "marketing",
        "Two customer stories in German before the trade fair.",
        state="at_risk",
        note="The translator is booked until next month.",
    ),
)


# Weekly check-ins (docs/method.md §4) ------------------------------------------------------------
# Each team member plans a few of these a week (their own key results' plans first); most end
# up in Progress, some get stuck in Problems, and what is still open at Friday's deadline is
# carried into the next week by the product's own rollover.


@dataclass(frozen=True)
class PlanSpec:
    text: str
    key_result: str | None = None  # a key result's key; None: work that serves no OKR directly


WEEKS_OF_UPDATES = 8  # finished weeks before the current one
LESSONS_CATEGORY = "Lessons learned"

PLANS: dict[str, tuple[PlanSpec, ...]] = {
    "product": (
        PlanSpec(
            "Watch five recordings of new workspaces getting stuck in setup", "onboarding_rate"
        ),
        PlanSpec("Rewrite the empty states of the first three screens", "onboarding_rate"),
        PlanSpec("Test the new setup checklist with two customers", "checklist"),
        PlanSpec("Ship the checklist behind a flag for new sign-ups", "checklist"),
        PlanSpec("Tag last month's support tickets by the screen they came from", "tickets"),
        PlanSpec("Add in-app help to the import screen", "tickets"),
        PlanSpec("Draft the sample project new workspaces start with", "onboarding_rate"),
        PlanSpec("Prepare the roadmap review for the leadership team"),
    ),
    "engineering": (
        PlanSpec("Add the release checklist to every pull request template", "bugs"),
        PlanSpec("Write regression tests for the three most reopened bugs", "bugs"),
        PlanSpec("Move the nightly jobs off the primary database", "uptime"),
        PlanSpec("Set up an alert when error rates double", "uptime"),
        PlanSpec("Run a rollback drill on the staging environment", "uptime"),
        PlanSpec("Pair with Product on the checklist flag", "checklist"),
        PlanSpec("Upgrade the web framework to the supported version"),
        PlanSpec("Review the on-call rotation with the team"),
    ),
    "marketing": (
        PlanSpec("Brief two customers for review-site write-ups", "review_leads"),
        PlanSpec("Pause the broad display campaign and compare sign-up quality", "icp_share"),
        PlanSpec("Rewrite the pricing page for teams of 10 to 50", "icp_share"),
        PlanSpec("Finish the remote-team onboarding guide", "guide_downloads"),
        PlanSpec("Promote the guide in two partner newsletters", "guide_downloads"),
        PlanSpec("Ask happy customers from the NPS survey for reviews", "review_leads"),
        PlanSpec("Plan the webinar with Customer Success"),
    ),
    "sales": (
        PlanSpec("Replace the two-call demo with one tailored demo", "lead_to_close"),
        PlanSpec("Send proposals within a day of the demo", "lead_to_close"),
        PlanSpec("Offer a guided trial to every qualified lead", "sql_to_trial"),
        PlanSpec("Follow up on last week's trials before they expire", "sql_to_trial"),
        PlanSpec("Translate the pitch deck into German", "germany"),
        PlanSpec("Book meetings with three German resellers", "germany"),
        PlanSpec("Clean up stale deals in the pipeline"),
    ),
    "success": (
        PlanSpec("Call every customer who signed up three weeks ago", "followups"),
        PlanSpec("Rewrite the welcome email sequence", "message_open_rate"),
        PlanSpec("Cover the shared inbox during the US morning", "first_response"),
        PlanSpec("Add saved replies for the new export questions", "first_response"),
        PlanSpec("Read this week's NPS comments and reply to detractors", "nps"),
        PlanSpec("Hand over churn reasons to Product", "followups"),
        PlanSpec("Update the help centre article on imports"),
    ),
    "finance": (
        PlanSpec("Pre-fill cost categories on the payment request form", "categorized_invoices"),
        PlanSpec("Chase missing receipts from October", "late_documents"),
        PlanSpec("Send the monthly reminder about the document deadline", "late_documents"),
        PlanSpec("Approve payment requests twice a day instead of once", "payment_time"),
        PlanSpec("Show team leads where their requests wait", "payment_time"),
        PlanSpec("Close the books for last month"),
    ),
}

# Said in "Lessons learned" by a team's lead now and then.
LESSONS: dict[str, tuple[str, ...]] = {
    "product": (
        "Customers skip anything that looks like a tutorial; hints inside the real screens work.",
        "Two customer tests caught more than a week of internal review.",
    ),
    "engineering": (
        "Small releases are easier to roll back than to debug.",
        "Alerts nobody owns get ignored; every alert now names a person.",
    ),
    "marketing": ("Reviews from customers like the ones we want bring better leads than ads.",),
    "sales": ("A demo built around the prospect's own data shortens the next call.",),
    "success": (
        "A call in the first month matters more than how long the call is.",
        "Saved replies only help when someone keeps them up to date.",
    ),
    "finance": ("People fill forms correctly when the form suggests the answer.",),
}

# Comments on the last finished week: (author key, the team whose member's done plan it is
# about, text). The first done plan of that week by someone other than the author is used.
ITEM_COMMENTS: tuple[tuple[str, str, str], ...] = (
    ("jonas", "product", "Nice. Did the customers find the checklist without a hint?"),
    ("mei", "engineering", "This is the kind of fix that keeps the bug count down. Thanks!"),
    ("sofia", "success", "Great follow-through. Let us share what you heard at Monday's meeting."),
    ("marcus", "sales", "Good one. Let us make this the default for every new lead."),
)

# Comments on objectives and key results (author key, objective or key-result key, text).
# The one @mention of the demo names Lena by her email name, which notifies her.
OKR_COMMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "priya",
        "onboarding_rate",
        "The drop last week worries me. @lena.okafor could you share where new workspaces stop, "
        "step by step, before Thursday's check-in?",
    ),
    ("lena", "onboarding_rate", "Will do. Most stop at the import step; numbers by Thursday."),
    (
        "avery",
        "retention",
        "Every team is moving this. Keep linking your weekly plans to it so we see what helps.",
    ),
    ("mei", "bugs", "Two weeks without change. Let us look at what blocks the release checklist."),
)

# Who likes what: (person key, objective or key-result key).
OKR_LIKES: tuple[tuple[str, str], ...] = (
    ("avery", "onboarding"),
    ("priya", "onboarding"),
    ("daniel", "good_fit_leads"),
    ("jonas", "reliable_releases"),
    ("sofia", "retention"),
    ("chloe", "retention"),
)

# Work nobody planned that still deserves a line in Progress.
UNPLANNED: tuple[str, ...] = (
    "Helped a customer recover a deleted project",
    "Covered for a colleague at the partner meeting",
    "Fixed a typo on the pricing page that customers reported",
    "Answered the security questionnaire for a large prospect",
)


# Written into last week after its deadline (late progress, which does not carry over).
LATE_PROGRESS = "Sent the customer-call notes I owed from Thursday"


# The cycle's rituals (docs/method.md §1, §3, §5) ------------------------------------------------
# The previous quarter is closed: scored, a few scores adjusted by hand, every team's
# retrospective completed, a department summary and the company-wide review written. One of
# its unfinished objectives was carried forward into the current quarter, where the monthly
# and mid-cycle reviews have been held.


@dataclass(frozen=True)
class RetrospectiveSpec:
    team: str  # unit key
    author: str
    satisfaction: str  # yes | partly | no
    overview: str
    worked: str
    failed: str
    learnings: tuple[str, ...]
    answers: dict[str, str] = field(default_factory=dict)  # question id → answer
    # objective key → why a committed objective ended below 1.0
    explanations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoreAdjustmentSpec:
    objective: str
    actor: str
    change: float  # added to the computed score (kept within 0.0–1.0)
    reason: str


SCORE_ADJUSTMENTS: tuple[ScoreAdjustmentSpec, ...] = (
    ScoreAdjustmentSpec(
        "prev_qualify",
        "marcus",
        0.1,
        "Two prospects qualified in the last days of the quarter booked their demos on the first "
        "of the next month; counted where the work was done, the share is a tenth higher.",
    ),
    ScoreAdjustmentSpec(
        "prev_calm_releases",
        "mei",
        -0.1,
        "The checklist runs on every deploy, but schema changes still need a manual sign-off, so "
        "we do not count the milestone as fully done.",
    ),
)

RETROSPECTIVES: tuple[RetrospectiveSpec, ...] = (
    RetrospectiveSpec(
        "product",
        "jonas",
        "yes",
        "We now know why setups stall: import, roles and the first report. We found the causes "
        "faster than planned; turning them into fixes took longer.",
        "Sitting in on live setup calls; tagging every setup ticket with its step.",
        "The first-report step: we started it too late to ship it this quarter.",
        (
            "Watching five customers set up teaches more than fifty survey answers.",
            "Tag support tickets by setup step from day one; it makes patterns obvious.",
            "Split discovery and delivery key results: they move at different speeds.",
        ),
        answers={
            "retro-process-fit": "Yes: the company needed facts about churn, and setup was the "
            "biggest unknown.",
            "retro-success-wins": "Three causes explain most setup trouble, backed by data.",
            "retro-challenges-missed": "Week-one completion rose less than hoped: the report "
            "step is still slow.",
            "retro-future-start": "Ship the guided setup and measure it weekly.",
            "retro-future-stop": "Stop guessing at causes in planning meetings.",
            "retro-future-continue": "Keep joining a setup call every week.",
        },
        explanations={
            "prev_stuck": "The discovery half is done; the delivery half needed the report "
            "redesign, which moved to this quarter.",
        },
    ),
    RetrospectiveSpec(
        "engineering",
        "mei",
        "partly",
        "Releases are calmer: rollbacks fell from six a month to about two. The automated "
        "checklist helps, but schema changes still depend on people remembering.",
        "Production-sized staging data; the automated release checklist.",
        "Migrations: the one rollback in September was a missed migration step.",
        (
            "Most rollbacks came from data, not code: test with realistic data.",
            "A checklist nobody has to remember beats a better checklist.",
            "Measure rollbacks per release, not per month, so busy months compare fairly.",
        ),
        answers={
            "retro-process-fit": "Yes; release trouble showed up in the cancellation reasons.",
            "retro-success-wins": "Two whole weeks without a single rollback in August.",
            "retro-challenges-missed": "Rollbacks ended at two a month, not one.",
            "retro-future-start": "Check migrations automatically before every deploy.",
            "retro-future-stop": "Stop merging schema changes on Fridays.",
            "retro-future-continue": "Keep staging in step with production data.",
        },
        explanations={
            "prev_calm_releases": "Rollbacks halved but did not reach one a month; schema "
            "changes still go out with a manual step.",
        },
    ),
    RetrospectiveSpec(
        "marketing",
        "chloe",
        "yes",
        "Customer stories work: more sign-ups read one first, and those sign-ups fit better. "
        "We reached about two thirds of an ambitious target, as an aspirational goal should.",
        "Interviews with long-time customers; linking stories from the pricing page.",
        "Video versions of the stories: too slow to produce for what they added.",
        (
            "Stories with numbers in them convert far better than stories about feelings.",
            "Place proof where people decide (pricing), not only on the blog.",
            "Customers say yes to interviews when we ask them right after a success.",
        ),
        answers={
            "retro-process-fit": "Yes, and it fed this quarter's good-fit objective.",
            "retro-success-wins": "The pricing-page links doubled story readers in a month.",
            "retro-challenges-missed": "Video took three times longer than written stories.",
            "retro-future-start": "Add a number to every story's headline.",
            "retro-future-stop": "Stop producing videos for every story.",
            "retro-future-continue": "Keep asking customers right after a win.",
        },
    ),
    RetrospectiveSpec(
        "sales",
        "marcus",
        "no",
        "We did not change the habit: half of all demos still happen without a qualification "
        "call. The script is good; the booking flow lets people skip it.",
        "The shared qualification script with Customer Success.",
        "Inbound bookings bypass the call; we never changed the booking page.",
        (
            "A rule people can skip will be skipped: change the flow, not the script.",
            "Agree on what a good fit means with Customer Success before measuring it.",
            "Quarter-end bookings slip into the next month; judge trends, not the last week.",
        ),
        answers={
            "retro-process-fit": "The right objective; the key result was measurable and fair.",
            "retro-success-wins": "Qualified demos close twice as often as the others.",
            "retro-challenges-missed": "Inbound demos skip the call; we never owned that page.",
            "retro-challenges-help": "A decision on the booking page in July would have changed "
            "the quarter.",
            "retro-future-start": "Put the qualification questions into the booking form.",
            "retro-future-stop": "Stop booking demos straight from the pricing page.",
            "retro-future-continue": "Keep the joint script with Customer Success.",
        },
        explanations={
            "prev_qualify": "We changed the script but not the booking page, so inbound demos "
            "kept skipping the qualification call.",
        },
    ),
    RetrospectiveSpec(
        "success",
        "sofia",
        "partly",
        "Answers got much faster, close to the five-hour target, and the churn reasons we "
        "collected shaped this quarter's plans.",
        "Topic-based inbox; saved replies for the ten most common questions.",
        "Holiday cover: response times slipped every time someone was away.",
        (
            "Routing by topic saves more time than answering faster.",
            "Saved replies need an owner, or they go stale within weeks.",
            "Plan holiday cover before the holidays, not during them.",
            "Asking for a cancellation reason on a call gets twice the answers of a form.",
        ),
        answers={
            "retro-process-fit": "Yes: slow answers were a top reason customers gave for leaving.",
            "retro-success-wins": "First response fell from eight hours to just over five.",
            "retro-challenges-missed": "The last half hour: August holidays cost us two weeks.",
            "retro-future-start": "A holiday rota agreed a month ahead.",
            "retro-future-stop": "Stop answering every channel with everyone.",
            "retro-future-continue": "Keep calling every customer who cancels.",
        },
        explanations={
            "faster_answers": "Holiday weeks in August slowed us; without them we would have "
            "reached five hours.",
        },
    ),
    RetrospectiveSpec(
        "finance",
        "peter",
        "partly",
        "Approvals are fast now, but invoices are still paid late when an approver is away. "
        "We carry the objective forward with what is left of it.",
        "Approval reminders on day two; the weekly payment run.",
        "Deputies for absent approvers: never set up.",
        (
            "Speed up the slowest step first: here it was waiting for absent approvers.",
            "A weekly rhythm beats two big payment runs a month.",
            "Suppliers notice within a month when we pay on time, and say so.",
        ),
        answers={
            "retro-process-fit": "Yes, though it is close to a KPI: we should watch it after "
            "next quarter.",
            "retro-success-wins": "Nine in ten invoices approved within three days.",
            "retro-challenges-missed": "Late payments only halved; absences block approvals.",
            "retro-future-start": "Name a deputy for every approver.",
            "retro-future-stop": "Stop approving invoices by email.",
            "retro-future-continue": "Keep the weekly payment run.",
        },
        explanations={
            "prev_suppliers": "Approvals reached their target; payments did not, because "
            "nobody approves when the approver is away. Carried forward to finish it.",
        },
    ),
)

DEPARTMENT_SUMMARY = {
    "unit": "gtm",
    "author": "daniel",
    "answers": {
        "dept-patterns": "Every team found that the fix lay in a flow, not in more effort: the "
        "booking page, the inbox routing, the pricing page.",
        "dept-support": "Sales needed a decision on the booking page from Marketing that came "
        "too late.",
    },
    "notes": "Reviewed with the three team leads on the second day of the new quarter.",
    "takeaways": (
        "Change the flow people use, not only the instructions they read.",
        "Shared definitions (a good fit, a qualified lead) come before shared targets.",
        "Proof in customers' own numbers sells and keeps customers alike.",
        "Holiday cover is a plan, not a favour.",
    ),
}

COMPANY_REVIEW = {
    "answers": {
        "company-outcome": "We set out to understand why customers cancel, and we do: confusing "
        "setup, slow answers and customers who were never a good fit.",
        "company-themes": "Teams that changed a flow moved their numbers; teams that changed "
        "habits alone moved them less.",
        "company-direction": "Turn each cancellation reason into a team objective, and measure "
        "retention rather than activity.",
    },
    "notes": "All six teams presented their overviews. Sales and Marketing agreed to redesign "
    "the demo booking page together. Finance carries its supplier objective forward once more, "
    "then tracks it as a KPI.",
    "summary": "A quarter of learning that paid off: we know why customers leave and each team "
    "has turned a reason into this quarter's work. Success rate was modest, but the misses "
    "were explained and none was a surprise at the end.",
    "ideas": (
        "A company objective on the first month of every new customer.",
        "A shared definition of a good-fit customer for Sales, Marketing and Success.",
        "Track supplier payments as a KPI after this quarter.",
    ),
}

# Carried from the previous quarter into the current one (a new objective, linked): source key,
# target cycle, and the trend and notes of the carried key results' check-ins there.
CARRIED: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    (
        "prev_suppliers",
        "current",
        0.85,
        (
            "Deputies named for every approver.",
            "What is still late comes mostly from one supplier who sends paper invoices.",
        ),
    ),
)

MONTHLY_REVIEWS = (
    {
        "unit": "company",
        "author": "avery",
        "answers": {
            "monthly-accelerate": "Onboarding work is ahead of plan; more help from Engineering "
            "on the setup wizard would speed it further.",
            "monthly-behind": "Qualified leads from review sites lag: the reviews come first, "
            "the leads follow weeks later.",
            "monthly-blockers": "Sales needs the new booking page before its demo goals can move.",
            "monthly-help": "Marketing asks Product for a sign-up question on company size.",
        },
        "notes": "Short review with the department leads; no objective at risk yet.",
    },
)

MID_CYCLE_REVIEWS = (
    {
        "unit": "success",
        "author": "sofia",
        "answers": {
            "mid-right-okrs": "Yes: settling in is still what keeps customers.",
            "mid-targets": "The open-rate target of 15% came from a vendor slide; 11% is "
            "ambitious for in-product messages.",
            "mid-abandon": "Nothing: every key result still matters.",
            "mid-learned": "Fewer, better-timed messages beat more messages.",
        },
        "notes": "Open-rate target lowered with the reason below; everything else stays.",
        "target_change": {
            "key_result": "message_open_rate",
            "target": 11,
            "reason": "Comparable products see 8–12% open rates for in-product messages; the "
            "15% target assumed every message reaches every user, which we no longer want.",
        },
    },
    {
        "unit": "company",
        "author": "avery",
        "answers": {
            "mid-right-okrs": "Yes. Retention and efficient growth remain the two priorities.",
            "mid-targets": "Customer Success lowers one message target; the rest stand.",
            "mid-abandon": "Nothing to abandon at company level.",
            "mid-learned": "Team objectives built on last quarter's churn reasons move fastest.",
        },
        "notes": "Mid-quarter check with all leads. Follow up on the booking page in two weeks.",
    },
)


# KPIs (docs/method.md §6): health metrics some teams watch, with weekly values ending today
# (oldest first). Engineering's open bugs have just left their band; its lead drafted the objective
# that brings it back.
@dataclass(frozen=True)
class KpiSpec:
    unit: str
    name: str
    unit_of_measure: str
    band_min: float | None
    band_max: float | None
    frequency: str
    owner: str
    values: tuple[float, ...]
    recovery: str = ""  # the title of the recovery objective its unit's lead drafted
    recovery_reason: str = ""
    # Its first key result: (title, start, target, unit).
    recovery_kr: tuple[str, float, float, str] | None = None


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec(
        "engineering",
        "Uptime",
        "%",
        99.5,
        None,
        "weekly",
        "mei",
        (99.95, 99.9, 99.92, 99.8, 99.7, 99.85, 99.9, 99.93),
    ),
    KpiSpec(
        "engineering",
        "Open bugs",
        "bugs",
        None,
        40,
        "weekly",
        "sam",
        (31, 35, 33, 30, 34, 38, 39, 46),
        recovery="Bring open bugs back to at most 40",
        recovery_reason="Keeping the bug count healthy is Engineering's own work, whatever the "
        "quarter's company objectives are.",
        recovery_kr=("Open bugs from 46 to 30", 46, 30, "bugs"),
    ),
    KpiSpec(
        "success",
        "First response time",
        "hours",
        None,
        4,
        "weekly",
        "sofia",
        (3.1, 2.8, 3.5, 3.0, 2.6, 2.9, 3.2, 2.7),
    ),
    KpiSpec("success", "Customer satisfaction", "%", 85, None, "monthly", "ben", (88, 90, 87, 89)),
    KpiSpec("sales", "Pipeline coverage", "×", 3, 5, "weekly", "marcus", (3.4, 3.1, 3.6, 3.8, 3.3)),
    KpiSpec(
        "finance", "Days sales outstanding", "days", None, 45, "monthly", "peter", (41, 43, 39)
    ),
)

# The Product team's ideas round for next quarter, finished a week ago (docs/method.md §9): each
# idea as (author, the default prompt it answers by index, title, detail, who upvoted it).
IDEAS_ROUND_UNIT = "product"
IDEAS_ROUND_LEAD = "jonas"
IDEAS: tuple[tuple[str, int, str, str, tuple[str, ...]], ...] = (
    (
        "lena",
        0,
        "Sit in on five new sign-ups every month",
        "We debate onboarding from dashboards. Watching people get stuck would settle most of "
        "those debates in an afternoon.",
        ("tomas", "jonas"),
    ),
    (
        "tomas",
        1,
        "Releases wait two days for a hand check",
        "A short automated check on every merge would let finished work reach customers the "
        "same day.",
        ("lena", "jonas"),
    ),
    (
        "jonas",
        2,
        "Keep the Friday demo with two customers",
        "It caught three misunderstandings last quarter before we built the wrong thing.",
        ("lena",),
    ),
    (
        "lena",
        3,
        "Support hears about bugs a week before we do",
        "Tickets reach us through a shared spreadsheet that nobody owns.",
        ("tomas",),
    ),
    ("tomas", 0, "One meeting-free day a week", "", ()),
)
# (commenter, the idea's index, text)
IDEA_COMMENTS: tuple[tuple[str, int, str], ...] = (
    (
        "tomas",
        0,
        "Customer Success offered to book the sessions if we ask a week ahead.",
    ),
)
# (the idea's index, the draft objective's title); and the one declined, with the reason.
IDEAS_PROMOTED: tuple[tuple[int, str], ...] = (
    (0, "New customers reach their first result without our help"),
    (1, "Finished work reaches customers the day it is merged"),
)
IDEA_DECLINED = (
    4,
    "A good habit to try, but not an outcome to aim for: let us agree on it at the "
    "retrospective instead.",
)

# A 1:1 of Jonas (who leads Product) and Lena, weekly on Thursdays: its last three meetings,
# oldest first. Each: talking points (author key, text), shared notes (author key, text), a
# private note (author key, text) or None, and action items raised (owner side, text, done in
# the meeting that many meetings later, or None: still open).
ONE_ON_ONE_LEAD, ONE_ON_ONE_MEMBER = "jonas", "lena"

# Lena's personal development objective (hers; seen by her, her leads and admins), supporting
# the onboarding objective without counting in its progress: what her 1:1s come back to.
PERSONAL_OBJECTIVE = {
    "person": "lena",
    "title": "Grow into running product discovery on my own",
    "why": "I want to lead the next round of customer interviews without Jonas in the room.",
    "parent": "onboarding",
    "key_results": (
        # (title, start, target, unit, values checked in over the cycle so far)
        ("Raise my score on the team's interviewing rubric from 2 to 4", 2, 4, "points", (2.5, 3)),
        (
            "Increase roadmap items that start from my interview findings from 0 to 3",
            0,
            3,
            "items",
            (0, 1, 1),
        ),
    ),
}
ONE_ON_ONE_WEEKDAY, ONE_ON_ONE_HOUR = 3, 15
ONE_ON_ONE_MEETINGS: tuple[dict, ...] = (
    {
        "points": (("lena", "Where the onboarding checklist should start"),),
        "shared": (
            (
                "jonas",
                "Agreed to measure completion per step before changing the checklist. Lena "
                "owns the funnel view.",
            ),
        ),
        "private": ("jonas", "Lena sounded stretched: watch how much lands on her next week."),
        "items": (
            ("member", "Build the per-step funnel view of onboarding", 1),
            ("lead", "Ask Engineering for an estimate of the import fix", None),
        ),
    },
    {
        "points": (
            ("jonas", "The funnel numbers: what surprised you?"),
            ("lena", "Time for the research interviews"),
        ),
        "shared": (
            (
                "lena",
                "Most new workspaces stop at the import step. Two interviews booked for next week.",
            ),
        ),
        "private": ("lena", "Ask Jonas about the design course before the budget closes."),
        "items": (("member", "Share the interview notes with the team", None),),
    },
    {
        "points": (("lena", "The design course"),),
        "shared": (
            (
                "jonas",
                "The import step is the lever for the onboarding key result. Lena will write "
                "the problem down for Thursday's check-in.",
            ),
        ),
        "private": None,
        "items": (),
    },
)
ONE_ON_ONE_FEEDBACK: tuple[tuple[str, str, str | None], ...] = (
    (
        "jonas",
        "The funnel view changed the team's plan: we stopped guessing where people drop and "
        "moved the onboarding key result from a hunch to a measured step.",
        "onboarding_rate",
    ),
    (
        "lena",
        "Clearing the interview budget in a day meant the research did not slip a week.",
        None,
    ),
)
