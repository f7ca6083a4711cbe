"""The OKR wizard's examples library: example objectives with their key results, per team
function. Plain data, no database: teams browse it and adapt one example into a draft.

Every example follows the method (docs/method.md §2): a qualitative objective (no numbers in its
title), three or four measurable key results that move from a start value to a target, and
nothing the coach would warn about (tests/coach/test_examples.py keeps it that way).
"""

from __future__ import annotations

from dataclasses import dataclass

METRIC, THRESHOLD = "metric", "threshold"
AT_LEAST, AT_MOST = "at_least", "at_most"
COMMITTED, ASPIRATIONAL = "committed", "aspirational"


@dataclass(frozen=True)
class ExampleKeyResult:
    title: str
    kind: str
    start: float
    target: float
    unit: str
    # Thresholds only: whether the value must stay at or above, or at or below, the target.
    direction: str = ""


@dataclass(frozen=True)
class ExampleObjective:
    title: str
    why: str
    key_results: tuple[ExampleKeyResult, ...]
    commitment: str = COMMITTED


@dataclass(frozen=True)
class Function:
    slug: str
    name: str
    blurb: str
    objectives: tuple[ExampleObjective, ...]


def _kr(title: str, start: float, target: float, unit: str) -> ExampleKeyResult:
    return ExampleKeyResult(title, METRIC, start, target, unit)


def _keep(
    title: str, now: float, bound: float, unit: str, direction: str = AT_LEAST
) -> ExampleKeyResult:
    return ExampleKeyResult(title, THRESHOLD, now, bound, unit, direction)


def _obj(title: str, why: str, *krs: ExampleKeyResult, commitment: str = COMMITTED):
    return ExampleObjective(title, why, tuple(krs), commitment)


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "sales",
        "Sales",
        "Win the right customers, faster, and forecast what the quarter will bring.",
        (
            _obj(
                "Make mid-sized companies our best-selling segment",
                "Mid-sized accounts renew more and need less discounting, but most of our "
                "pipeline still comes from small deals that churn.",
                _kr(
                    "Grow qualified pipeline from mid-sized accounts from $400k to $900k",
                    400000,
                    900000,
                    "$",
                ),
                _kr("Raise the win rate on mid-sized deals from 18% to 28%", 18, 28, "%"),
                _kr("Lift the average mid-sized deal from $14k to $20k", 14000, 20000, "$"),
            ),
            _obj(
                "Close deals without the end-of-quarter scramble",
                "Half our revenue lands in the last two weeks, which wrecks forecasting and "
                "pushes reps into deep discounts.",
                _kr("Shorten the median sales cycle from 62 to 45 days", 62, 45, "days"),
                _kr(
                    "Raise the share of revenue closed before week ten from 45% to 65%", 45, 65, "%"
                ),
                _kr("Reduce the average discount granted from 22% to 12%", 22, 12, "%"),
            ),
            _obj(
                "Forecast the quarter with confidence",
                "Leadership plans hiring on our forecast; last quarter it was off by a third.",
                _kr("Bring forecast error at mid-quarter from 30% to 10%", 30, 10, "%"),
                _kr("Raise opportunities with a next step and date from 55% to 90%", 55, 90, "%"),
                _kr("Cut deals slipping to the next quarter from 35% to 15%", 35, 15, "%"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "marketing",
        "Marketing",
        "Bring the right people to the product and turn their interest into trials.",
        (
            _obj(
                "Become the name teams think of first in our category",
                "Buyers who already know us convert twice as often, yet few have heard of us.",
                _kr(
                    "Grow organic search visits from 15,000 to 25,000 a month",
                    15000,
                    25000,
                    "visits",
                ),
                _kr("Raise unaided brand recall in the yearly survey from 8% to 15%", 8, 15, "%"),
                _kr(
                    "Increase direct and branded-search sign-ups from 300 to 550 a month",
                    300,
                    550,
                    "sign-ups",
                ),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Turn more visitors into engaged trial users",
                "Traffic has grown, but the share of visitors who try the product has not.",
                _kr("Raise website visit-to-trial conversion from 1.8% to 3%", 1.8, 3, "%"),
                _kr("Lift trials that reach first value in a week from 25% to 40%", 25, 40, "%"),
                _kr("Reduce cost per activated trial from $180 to $120", 180, 120, "$"),
            ),
            _obj(
                "Give sales leads they are glad to call",
                "Sales rejects most of our leads, so both teams waste time arguing about them.",
                _kr("Raise the share of leads accepted by sales from 40% to 70%", 40, 70, "%"),
                _kr("Grow marketing-sourced pipeline from $300k to $500k", 300000, 500000, "$"),
                _kr("Cut lead hand-off time from 48 to 4 hours", 48, 4, "hours"),
            ),
        ),
    ),
    Function(
        "product",
        "Product management",
        "Decide what to build and prove it changed something for customers.",
        (
            _obj(
                "Make the first week irresistible for new customers",
                "Customers who are active in their first week stay for years; most never get "
                "that far.",
                _kr("Raise week-one activation from 30% to 50%", 30, 50, "%"),
                _kr("Shorten time to first value from 4 days to 1 day", 4, 1, "days"),
                _kr(
                    "Reduce onboarding support questions from 120 to 60 a month",
                    120,
                    60,
                    "questions",
                ),
            ),
            _obj(
                "Turn occasional users into daily users",
                "Usage is shallow: people log in once a week, so the product never becomes a "
                "habit.",
                _kr("Lift the daily-to-monthly active ratio from 18% to 30%", 18, 30, "%"),
                _kr(
                    "Raise accounts using three or more core features from 22% to 40%", 22, 40, "%"
                ),
                _kr("Increase 90-day retention from 62% to 75%", 62, 75, "%"),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Base roadmap bets on evidence, not opinions",
                "Too many releases last year went unused because nobody checked the need first.",
                _kr("Raise roadmap items backed by customer evidence from 30% to 80%", 30, 80, "%"),
                _kr("Lift adoption of new capabilities after 60 days from 12% to 30%", 12, 30, "%"),
                _kr("Grow customers in the research panel from 15 to 60", 15, 60, "customers"),
            ),
        ),
    ),
    Function(
        "engineering",
        "Engineering",
        "Ship changes quickly and safely, and keep the product fast and reliable.",
        (
            _obj(
                "Ship small changes quickly and safely",
                "Large, rare releases make every deploy risky and slow down every team.",
                _kr(
                    "Shorten lead time from merge to production from 5 days to 1 day", 5, 1, "days"
                ),
                _kr("Reduce the change failure rate from 18% to 8%", 18, 8, "%"),
                _kr("Raise deploys per week from 3 to 15", 3, 15, "deploys"),
            ),
            _obj(
                "Make the product feel instant",
                "Slow pages are the top complaint in churn interviews.",
                _kr(
                    "Cut the 95th-percentile page load from 3.2 to 1.5 seconds", 3.2, 1.5, "seconds"
                ),
                _kr("Reduce the slowest API response time from 900 to 300 ms", 900, 300, "ms"),
                _kr("Raise the share of sessions with no error from 97% to 99.5%", 97, 99.5, "%"),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Recover from incidents before customers notice",
                "Outages last too long because we find out from customers, not from alerts.",
                _kr("Cut mean time to recover from 90 to 30 minutes", 90, 30, "minutes"),
                _kr(
                    "Raise incidents caught by alerts before customers from 40% to 85%", 40, 85, "%"
                ),
                _keep("Keep monthly availability at or above 99.9%", 99.7, 99.9, "%"),
            ),
        ),
    ),
    Function(
        "support",
        "Customer support",
        "Answer customers quickly and well, and remove the reasons they need to ask.",
        (
            _obj(
                "Give customers answers while they still care",
                "Slow replies turn small questions into cancellations.",
                _kr("Cut median first-reply time from 6 hours to 1 hour", 6, 1, "hours"),
                _kr("Raise tickets solved in one reply from 45% to 65%", 45, 65, "%"),
                _kr("Lift customer satisfaction on solved tickets from 82% to 92%", 82, 92, "%"),
            ),
            _obj(
                "Help customers help themselves",
                "Most questions are the same few, and customers would rather not wait for us.",
                _kr("Reduce tickets per hundred active accounts from 14 to 9", 14, 9, "tickets"),
                _kr(
                    "Raise help-centre searches that end without a ticket from 55% to 75%",
                    55,
                    75,
                    "%",
                ),
                _kr("Lift help-article helpfulness ratings from 60% to 80%", 60, 80, "%"),
            ),
            _obj(
                "Turn support insight into product fixes",
                "Support sees every pain point first, but little of it reaches the roadmap.",
                _kr("Raise top-ten ticket causes with an agreed fix from 2 to 8", 2, 8, "causes"),
                _kr("Reduce tickets about known bugs from 300 to 120 a month", 300, 120, "tickets"),
                _kr("Shorten time from a reported bug to a fix from 30 to 10 days", 30, 10, "days"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "customer-success",
        "Customer success",
        "Keep customers succeeding with the product, so they stay and grow.",
        (
            _obj(
                "Keep every customer we worked hard to win",
                "Churn eats a third of new revenue each quarter.",
                _kr("Reduce monthly logo churn from 2.5% to 1.5%", 2.5, 1.5, "%"),
                _kr("Raise gross revenue retention from 88% to 93%", 88, 93, "%"),
                _kr("Cut accounts with a red health score from 60 to 25", 60, 25, "accounts"),
            ),
            _obj(
                "Grow accounts by making them more successful",
                "Expansion is the cheapest revenue we have, and we rarely ask for it.",
                _kr("Raise net revenue retention from 102% to 112%", 102, 112, "%"),
                _kr("Grow accounts using a second product from 10% to 20%", 10, 20, "%"),
                _kr("Increase expansion revenue from $80k to $150k a quarter", 80000, 150000, "$"),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Make onboarding a predictable success",
                "Onboarding quality depends on which manager a customer happens to get.",
                _kr("Shorten time to go-live from 45 to 25 days", 45, 25, "days"),
                _kr("Raise customers live within 30 days from 50% to 80%", 50, 80, "%"),
                _kr("Lift onboarding satisfaction from 7.1 to 8.5 out of 10", 7.1, 8.5, "score"),
            ),
        ),
    ),
    Function(
        "finance",
        "Finance",
        "Give the company trustworthy numbers on time and money to grow with.",
        (
            _obj(
                "Close the books fast enough to steer by them",
                "Numbers arrive three weeks after month end, long after decisions were made.",
                _kr("Shorten the monthly close from 15 to 6 working days", 15, 6, "days"),
                _kr("Reduce manual journal entries from 400 to 150 a month", 400, 150, "entries"),
                _kr("Cut adjustments after close from 20 to 5 a month", 20, 5, "adjustments"),
            ),
            _obj(
                "Turn cash into a strength rather than a worry",
                "Late payments force us to delay investments we have already approved.",
                _kr("Reduce days sales outstanding from 58 to 40", 58, 40, "days"),
                _kr("Cut overdue receivables from $1.2M to $0.5M", 1200000, 500000, "$"),
                _kr("Raise invoices paid by card or direct debit from 20% to 50%", 20, 50, "%"),
            ),
            _obj(
                "Help every budget owner make confident spending decisions",
                "Budget owners find out they overspent only at quarter end.",
                _kr("Raise budget owners using the monthly dashboard from 25% to 90%", 25, 90, "%"),
                _kr("Reduce budget variance at quarter end from 15% to 5%", 15, 5, "%"),
                _kr("Shorten purchase approval time from 6 days to 2 days", 6, 2, "days"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "people",
        "People and HR",
        "Hire well, help people grow, and make this a place people want to stay.",
        (
            _obj(
                "Hire great people without making them wait",
                "Strong candidates accept other offers while our process drags on.",
                _kr("Shorten time from application to offer from 42 to 25 days", 42, 25, "days"),
                _kr("Raise offer acceptance from 70% to 85%", 70, 85, "%"),
                _kr("Lift candidate experience rating from 3.6 to 4.4 out of 5", 3.6, 4.4, "score"),
            ),
            _obj(
                "Give every new joiner a great start",
                "New joiners take months to feel productive, and some leave in their first year.",
                _kr("Raise new joiners who feel productive by day 30 from 45% to 75%", 45, 75, "%"),
                _kr("Reduce first-year attrition from 18% to 10%", 18, 10, "%"),
                _kr("Lift onboarding survey score from 6.8 to 8.5 out of 10", 6.8, 8.5, "score"),
            ),
            _obj(
                "Help people grow here instead of leaving to grow",
                "Exit interviews keep naming the lack of growth as the reason to leave.",
                _kr("Raise roles filled by internal moves from 10% to 25%", 10, 25, "%"),
                _kr("Increase people with a current growth plan from 30% to 80%", 30, 80, "%"),
                _kr("Reduce regretted attrition from 12% to 7%", 12, 7, "%"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "operations",
        "Operations",
        "Run the everyday machinery of the business smoothly, cheaply and on time.",
        (
            _obj(
                "Get every order to customers when we promised",
                "Late deliveries are the top reason for refunds and bad reviews.",
                _kr("Raise on-time deliveries from 88% to 97%", 88, 97, "%"),
                _kr("Shorten order-to-dispatch time from 36 to 12 hours", 36, 12, "hours"),
                _kr(
                    "Reduce delivery-related refunds from $40k to $15k a quarter", 40000, 15000, "$"
                ),
            ),
            _obj(
                "Make our processes cheaper to run as we grow",
                "Costs grow as fast as volume, so growth barely improves our margins.",
                _kr("Reduce cost per order handled from $6.40 to $4.80", 6.4, 4.8, "$"),
                _kr("Raise orders handled without manual steps from 55% to 80%", 55, 80, "%"),
                _kr("Cut warehouse picking errors from 1.2% to 0.4%", 1.2, 0.4, "%"),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Never let stock run out of what customers want",
                "Stock-outs send customers to competitors and leave cash stuck in slow items.",
                _kr("Reduce stock-outs on top sellers from 9% to 2% of days", 9, 2, "%"),
                _kr("Raise inventory turns from 5 to 8 a year", 5, 8, "turns"),
                _kr("Cut stock older than six months from $220k to $90k", 220000, 90000, "$"),
            ),
        ),
    ),
    Function(
        "design",
        "Design and UX",
        "Make the product easy to understand and pleasant to use, for everyone.",
        (
            _obj(
                "Make our most used tasks effortless",
                "Usability tests show people hesitating on the tasks they do every day.",
                _kr("Raise task success in usability tests from 65% to 90%", 65, 90, "%"),
                _kr("Shorten time to create a first report from 7 to 3 minutes", 7, 3, "minutes"),
                _kr(
                    "Lift the ease-of-use survey score from 5.2 to 6.2 out of 7", 5.2, 6.2, "score"
                ),
            ),
            _obj(
                "Make the product usable by everyone",
                "Public-sector customers require accessibility, and some users rely on it "
                "every day.",
                _kr("Reduce accessibility issues found in audit from 85 to 10", 85, 10, "issues"),
                _kr("Raise screens that pass keyboard-only testing from 40% to 100%", 40, 100, "%"),
                _kr("Increase screens meeting contrast guidance from 70% to 100%", 70, 100, "%"),
            ),
            _obj(
                "Give every team a design system they love to use",
                "Every team rebuilds the same components, so the product feels inconsistent.",
                _kr("Raise screens built from shared components from 35% to 80%", 35, 80, "%"),
                _kr("Shorten design-to-build hand-off from 5 days to 2 days", 5, 2, "days"),
                _kr("Reduce visual inconsistency bugs from 60 to 15 a quarter", 60, 15, "bugs"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "data",
        "Data and analytics",
        "Help everyone decide with data they can find, understand and trust.",
        (
            _obj(
                "Make our numbers trusted across the company",
                "Two dashboards often show different answers, so meetings argue about data.",
                _kr("Raise core metrics with one agreed definition from 20% to 100%", 20, 100, "%"),
                _kr("Reduce data-quality incidents from 14 to 4 a month", 14, 4, "incidents"),
                _kr("Lift trust in data in the staff survey from 48% to 75%", 48, 75, "%"),
            ),
            _obj(
                "Let teams answer their own questions",
                "Analysts spend most of their week pulling numbers others could get themselves.",
                _kr("Raise weekly self-service dashboard users from 60 to 180", 60, 180, "people"),
                _kr("Reduce ad-hoc data requests from 90 to 40 a month", 90, 40, "requests"),
                _kr("Shorten time to answer a data request from 5 days to 1 day", 5, 1, "days"),
            ),
            _obj(
                "Put fresh data in front of decision makers",
                "Yesterday's data is not good enough for daily operations.",
                _kr("Cut pipeline delay for core tables from 24 hours to 1 hour", 24, 1, "hours"),
                _kr("Raise pipeline runs finishing on time from 80% to 98%", 80, 98, "%"),
                _kr("Reduce warehouse cost per query from $0.40 to $0.15", 0.4, 0.15, "$"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "it-security",
        "IT and security",
        "Keep people productive and the company's data and systems safe.",
        (
            _obj(
                "Make us a hard target for attackers",
                "Larger customers now ask for proof of our security before they sign.",
                _kr(
                    "Raise accounts protected by two-factor sign-in from 60% to 100%", 60, 100, "%"
                ),
                _kr("Cut time to patch critical vulnerabilities from 30 to 7 days", 30, 7, "days"),
                _kr("Reduce staff who click the phishing test from 18% to 5%", 18, 5, "%"),
            ),
            _obj(
                "Give every new joiner a working setup on day one",
                "New people lose their first days waiting for laptops and access.",
                _kr("Raise joiners fully set up on day one from 40% to 95%", 40, 95, "%"),
                _kr("Shorten access request handling from 72 to 4 hours", 72, 4, "hours"),
                _kr(
                    "Lift IT satisfaction in the staff survey from 6.2 to 8 out of 10",
                    6.2,
                    8,
                    "score",
                ),
            ),
            _obj(
                "Pass customer security reviews without delaying deals",
                "Security questionnaires hold deals back by weeks.",
                _kr("Shorten security questionnaire turnaround from 15 to 3 days", 15, 3, "days"),
                _kr(
                    "Raise questions answered from the shared library from 50% to 90%", 50, 90, "%"
                ),
                _kr(
                    "Reduce deals delayed by security review from 12 to 3 a quarter", 12, 3, "deals"
                ),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "legal",
        "Legal and compliance",
        "Protect the company while helping the business move quickly.",
        (
            _obj(
                "Make contracts a reason deals close faster",
                "Contract review is the slowest step between a yes and a signature.",
                _kr("Shorten median contract review from 10 to 3 days", 10, 3, "days"),
                _kr("Raise deals signed on our standard terms from 40% to 70%", 40, 70, "%"),
                _kr(
                    "Reduce contracts needing a third review round from 35% to 10%",
                    35,
                    10,
                    "%",
                ),
            ),
            _obj(
                "Make compliance part of how everyone works",
                "Audit findings keep coming back because rules live in documents nobody reads.",
                _kr("Raise staff completing the privacy course from 55% to 98%", 55, 98, "%"),
                _kr("Reduce open audit findings from 24 to 5", 24, 5, "findings"),
                _kr("Shorten response to data-subject requests from 25 to 10 days", 25, 10, "days"),
            ),
            _obj(
                "Let teams get legal answers without waiting",
                "Simple questions wait in the same queue as complex negotiations.",
                _kr("Raise questions answered by self-service guides from 10% to 40%", 10, 40, "%"),
                _kr("Cut median reply time to legal questions from 4 days to 1 day", 4, 1, "days"),
                _kr(
                    "Lift internal satisfaction with legal support from 6.5 to 8.5 out of 10",
                    6.5,
                    8.5,
                    "score",
                ),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "education",
        "Schools and education",
        "Help every learner make progress, and keep families and staff on board.",
        (
            _obj(
                "Help every pupil become a confident reader",
                "Pupils who read fluently by the end of primary school do better in every subject.",
                _kr("Raise pupils reading at their expected level from 68% to 80%", 68, 80, "%"),
                _kr("Reduce pupils more than a year behind in reading from 15% to 8%", 15, 8, "%"),
                _kr("Increase pupils reading at home most days from 40% to 60%", 40, 60, "%"),
            ),
            _obj(
                "Make school a place pupils want to be every day",
                "Absence is rising, and missed days are hard to catch up.",
                _kr("Raise average attendance from 91% to 95%", 91, 95, "%"),
                _kr("Reduce persistently absent pupils from 18% to 10%", 18, 10, "%"),
                _kr("Lift pupils who feel they belong from 62% to 80% in the survey", 62, 80, "%"),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Bring families closer to their children's learning",
                "Parents tell us they find out about problems too late to help.",
                _kr("Raise parents attending progress evenings from 55% to 80%", 55, 80, "%"),
                _kr("Increase families active on the parent app from 35% to 70%", 35, 70, "%"),
                _kr("Lift parents who feel well informed from 58% to 80%", 58, 80, "%"),
            ),
        ),
    ),
    Function(
        "nonprofit",
        "Non-profit and fundraising",
        "Raise the money the mission needs and show supporters the difference it makes.",
        (
            _obj(
                "Build a base of loyal monthly supporters",
                "Regular gifts let us plan programmes a year ahead instead of month to month.",
                _kr("Grow monthly donors from 1,200 to 1,800", 1200, 1800, "donors"),
                _kr("Raise first-year donor retention from 45% to 60%", 45, 60, "%"),
                _kr("Increase the average monthly gift from $18 to $22", 18, 22, "$"),
            ),
            _obj(
                "Show supporters the difference their gifts make",
                "Donors who hear about impact give again; most hear nothing after they give.",
                _kr(
                    "Raise donors who hear about impact within 30 days from 20% to 90%", 20, 90, "%"
                ),
                _kr("Lift the repeat-gift rate from 28% to 40%", 28, 40, "%"),
                _kr("Increase supporter satisfaction from 7.0 to 8.5 out of 10", 7, 8.5, "score"),
            ),
            _obj(
                "Fund next year's programmes before the year starts",
                "Uncertain funding means we cannot commit to partners early.",
                _kr("Raise next year's budget secured by January from 40% to 75%", 40, 75, "%"),
                _kr("Grow multi-year grant income from $300k to $600k", 300000, 600000, "$"),
                _kr("Lift the grant application success rate from 25% to 40%", 25, 40, "%"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "manufacturing",
        "Manufacturing and quality",
        "Make products right the first time, safely and without waste.",
        (
            _obj(
                "Get it right the first time on every line",
                "Rework costs us a full shift of capacity every week.",
                _kr("Raise first-pass yield from 91% to 97%", 91, 97, "%"),
                _kr("Reduce scrap from 4.5% to 2% of material", 4.5, 2, "%"),
                _kr(
                    "Cut customer quality complaints from 30 to 10 a quarter", 30, 10, "complaints"
                ),
            ),
            _obj(
                "Make the plant one of the safest in the industry",
                "Everyone should go home as healthy as they came in.",
                _kr("Reduce lost-time incidents from 6 to 1 a year", 6, 1, "incidents"),
                _kr(
                    "Raise near misses reported and closed within a week from 50% to 90%",
                    50,
                    90,
                    "%",
                ),
                _kr(
                    "Increase operators trained on the new safety standard from 35% to 100%",
                    35,
                    100,
                    "%",
                ),
            ),
            _obj(
                "Get more out of the equipment we already have",
                "Unplanned stops mean we buy capacity we do not need.",
                _kr("Raise overall equipment effectiveness from 62% to 75%", 62, 75, "%"),
                _kr("Cut unplanned downtime from 40 to 15 hours a month", 40, 15, "hours"),
                _kr("Shorten changeover time from 50 to 25 minutes", 50, 25, "minutes"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "procurement",
        "Procurement",
        "Buy what the company needs at a fair price, from suppliers we can rely on.",
        (
            _obj(
                "Make buying simple for every team",
                "People work around the purchase process because it is slow and confusing.",
                _kr("Shorten purchase request to order from 9 to 3 days", 9, 3, "days"),
                _kr("Raise spend through approved catalogues from 30% to 65%", 30, 65, "%"),
                _kr("Lift requester satisfaction from 5.8 to 8 out of 10", 5.8, 8, "score"),
            ),
            _obj(
                "Build a supplier base we can count on",
                "Two late suppliers stopped production twice last year.",
                _kr("Raise supplier on-time delivery from 84% to 95%", 84, 95, "%"),
                _kr("Reduce critical parts with a single supplier from 22 to 8", 22, 8, "parts"),
                _kr(
                    "Increase key suppliers with a signed quality agreement from 40% to 90%",
                    40,
                    90,
                    "%",
                ),
            ),
            _obj(
                "Spend every dollar as wisely as our own",
                "Fragmented buying means we pay different prices for the same things.",
                _kr("Grow negotiated savings from $150k to $400k a year", 150000, 400000, "$"),
                _kr("Reduce the number of active suppliers from 900 to 600", 900, 600, "suppliers"),
                _kr("Raise spend under contract from 55% to 80%", 55, 80, "%"),
                commitment=ASPIRATIONAL,
            ),
        ),
    ),
    Function(
        "communications",
        "Communications",
        "Keep people inside and outside the company informed, aligned and proud.",
        (
            _obj(
                "Make sure everyone knows where the company is heading",
                "Teams cannot align to a strategy they have never heard explained.",
                _kr("Raise staff who can name the company priorities from 35% to 80%", 35, 80, "%"),
                _kr("Increase all-hands attendance or replay views from 55% to 85%", 55, 85, "%"),
                _kr("Lift 'I feel informed' in the staff survey from 52% to 75%", 52, 75, "%"),
            ),
            _obj(
                "Earn a reputation as the expert voice in our field",
                "Journalists and analysts quote competitors on topics we know better.",
                _kr("Grow quality media mentions from 6 to 15 a quarter", 6, 15, "mentions"),
                _kr("Raise share of voice against competitors from 12% to 22%", 12, 22, "%"),
                _kr(
                    "Increase newsletter subscribers from 4,000 to 7,000", 4000, 7000, "subscribers"
                ),
                commitment=ASPIRATIONAL,
            ),
            _obj(
                "Be ready to speak clearly when something goes wrong",
                "In the last incident it took a day to say anything, and rumours filled the gap.",
                _kr(
                    "Cut time to the first public incident statement from 24 to 2 hours",
                    24,
                    2,
                    "hours",
                ),
                _kr("Raise spokespeople trained for a crisis from 2 to 8", 2, 8, "people"),
                _kr("Reduce inaccurate reports after incidents from 5 to 1", 5, 1, "reports"),
            ),
        ),
    ),
)

_BY_SLUG = {f.slug: f for f in FUNCTIONS}


def function_get(slug: str) -> Function | None:
    """The function with this slug, or None."""
    return _BY_SLUG.get(slug)
