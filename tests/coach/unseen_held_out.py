"""Unseen held-out set for the Cadence coach.

English OKR text in registers that Cadence's first labeled set lacked (public
sector, healthcare, education, manufacturing, non-profit, legal, logistics,
hospitality, research, retail, agriculture, energy), labeled as a seasoned OKR
coach would. It was written by someone who had not seen the coach's rules.
This file is held out: it is never used to tune the rules, only to measure
them (``unseen_tuning.py`` is the set for tuning).

KEY_RESULTS rows are (register, key result title, labels), where labels is a
string of zero or more of:
  N - the title carries no quantity
  V - phrased as work to do, with no measured result of that work
  C - the number counts activities or deliverables (volume of work)

OBJECTIVES rows are (register, objective title, has_metric).
"""

KEY_RESULTS: list[tuple[str, str, str]] = [
    # Measured outcomes, rates, service levels, baselines: no label.
    ("healthcare", "Cut did-not-attend rates at outpatient clinics from 11% to 6%", ""),
    ("healthcare", "See 92% of walk-in patients within 30 minutes of arrival", ""),
    (
        "healthcare",
        "Increase physiotherapy time per stroke patient from 20 to 45 minutes a day",
        "",
    ),
    ("public sector", "Issue 90% of new driving licences within 5 working days, today 62%", ""),
    (
        "public sector",
        "Reduce the average time it takes to rehouse a homeless family from 180 days "
        "to 90, and keep every family with children out of bed-and-breakfast "
        "accommodation",
        "",
    ),
    ("public sector", "Zero missed bin collections in the pilot wards for 8 weeks running", ""),
    ("education", "Lift the Year 13 university acceptance rate from 71% to 80%", ""),
    ("education", "Return marked coursework within 7 days instead of 3 weeks", ""),
    ("manufacturing", "Reduce energy use per tonne of steel by 12%", ""),
    ("manufacturing", "Halve changeover time on the bottling line", ""),
    ("non-profit", "Serve 60,000 hot meals to rough sleepers this winter", ""),
    ("non-profit", "Increase monthly donor retention from 78% to 85%", ""),
    ("legal", "Win 70% of the employment tribunal cases we take to a full hearing", ""),
    ("legal", "Cut write-offs on fixed-fee matters from $1.1m to $400k", ""),
    ("logistics", "Pick 99.8% of orders correctly at the Venlo warehouse", ""),
    (
        "logistics",
        "Reduce fuel consumption from 32 to 28 litres per 100 km across the long-haul fleet",
        "",
    ),
    ("hospitality", "Raise midweek occupancy across the spa resorts from 58% to 75%", ""),
    ("hospitality", "Grow direct bookings to half of all room nights", ""),
    ("research", "Recruit 400 participants into the dementia cohort study", ""),
    ("retail", "Increase average basket size in the convenience format from €14 to €17", ""),
    (
        "retail",
        "Answer 95% of customer emails within 4 hours, including weekends and bank "
        "holidays, when today most of them wait until the next working day",
        "",
    ),
    ("agriculture", "Cut irrigation water per kilo of tomatoes by a fifth", ""),
    ("agriculture", "Divert 300 tonnes of crop waste from landfill to anaerobic digestion", ""),
    ("energy", "Bring the smart meter read success rate from 88% to 97%", ""),
    (
        "energy",
        "Keep the grid reinforcement programme within its €1.4bn budget while "
        "connecting every queued solar site by the agreed date",
        "",
    ),
    # Vague outcomes with no quantity.
    ("healthcare", "Patients feel listened to during outpatient appointments", "N"),
    ("public sector", "Better value from the Section 106 contributions we collect", "N"),
    ("education", "Pupils in Year 8 read for pleasure", "N"),
    ("manufacturing", "Fewer unplanned stoppages on line 2", "N"),
    ("logistics", "Happier drivers", "N"),
    ("hospitality", "A calmer breakfast service at weekends", "N"),
    (
        "research",
        "Stronger collaboration between the chemistry and biology groups, with shared "
        "instruments and joint supervision of doctoral students",
        "N",
    ),
    ("retail", "Greater loyalty among Gen Z shoppers", "N"),
    ("agriculture", "Lower disease pressure in the vineyards", "N"),
    ("non-profit", "Donors see clearly how their gift makes a difference", "N"),
    # Work with no quantity.
    ("healthcare", "Roll out the new patient portal to all GP practices in the trust", "NV"),
    (
        "public sector",
        "Digitise the planning application archive from the seventies and eighties",
        "NV",
    ),
    ("education", "Introduce 1:1 tutoring for pupils who have fallen behind in maths", "NV"),
    ("manufacturing", "Certify the Gdańsk plant to IATF 16949", "NV"),
    ("legal", "Set up a 403(b) plan for the firm's US staff", "NV"),
    ("hospitality", "Renew the premises licence for the rooftop bar", "NV"),
    ("research", "Write the data management plan for the Horizon Europe follow-on bid", "NV"),
    ("retail", "Launch the B2C webshop in Austria by Q2", "NV"),
    (
        "energy",
        "Upgrade the SCADA system to version 7 at both control rooms, and switch "
        "off the old operator consoles once the new ones have been signed off",
        "NV",
    ),
    (
        "non-profit",
        "Run the first cohort of the leadership programme for volunteer coordinators",
        "NV",
    ),
    # Work with a number that is neither a count of deliverables nor a result.
    ("healthcare", "Open the new 24-bed acute medical unit within 6 months", "V"),
    ("public sector", "Procure the new fleet maintenance contract for under £2m", "V"),
    ("energy", "Build the 8 MW solar farm at Aldershot", "V"),
    ("hospitality", "Relaunch the spa menu in 3 weeks", "V"),
    ("research", "Complete the move into the new laboratory building in 10 days", "V"),
    # Work verb plus a bare count of things made or done.
    ("public sector", "Publish 40 open datasets on the council data portal", "VC"),
    ("healthcare", "Recruit 9 healthcare assistants for the night shift", "VC"),
    ("healthcare", "Build eight new dashboards for ward managers", "VC"),
    ("education", "Deliver 25 careers talks in sixth-form colleges", "VC"),
    ("education", "Translate 50 parent letters into Arabic and Romanian", "VC"),
    (
        "manufacturing",
        "Audit 15 suppliers against the new quality standard and share a written "
        "summary of the findings with each of their account managers",
        "VC",
    ),
    (
        "non-profit",
        "Make 1,200 welfare calls to isolated older people over the winter months, and "
        "log every follow-up need in the CRM",
        "VC",
    ),
    ("legal", "Review 300 supplier contracts for GDPR clauses", "VC"),
    ("logistics", "Train 60 warehouse operatives on the new reach trucks", "VC"),
    ("hospitality", "Photograph all 85 rooms for the new booking site", "VC"),
    ("research", "Hire 3.5 FTE data engineers for the genomics platform", "VC"),
    ("retail", "Send 4 promotional emails a month to the loyalty list", "VC"),
    ("agriculture", "Run 10 field days for neighbouring growers", "VC"),
    ("energy", "Replace 3,500 legacy meters in the Lyon area", "VC"),
    # Counted deliverables framed as a change or without a work verb.
    ("research", "Preprints posted per quarter up from 2 to 5", "C"),
    ("retail", "Q4: raise product photo shoots from 20 to 45 a month", "C"),
    ("non-profit", "Grow the partner newsletter from quarterly to monthly", "C"),
    ("manufacturing", "Safety walks by plant managers go from monthly to weekly", "C"),
    ("energy", "Grow published customer case studies from 3 to 9", "C"),
    (
        "hospitality",
        "Staff training sessions per site increase from one a quarter to two a month",
        "C",
    ),
]

OBJECTIVES: list[tuple[str, str, bool]] = [
    ("healthcare", "Treat 40% more patients in day surgery without adding beds", True),
    ("public sector", "Move 80% of council transactions online", True),
    (
        "education",
        "Get every pupil reading at the expected level by the end of Year 3, up from 70% today",
        True,
    ),
    ("manufacturing", "Ship 1 million units from the new plant", True),
    ("non-profit", "Double the reach of our helpline", True),
    ("legal", "Become a top 10 firm for technology disputes", True),
    ("logistics", "Deliver within 2 hours anywhere in Greater London", True),
    ("energy", "Supply 50,000 homes with community-owned power", True),
    ("agriculture", "Cut the farm's carbon footprint by half", True),
    ("research", "Welcome our first 50 visiting fellows", True),
    ("hospitality", "Be the number one wedding venue in the Cotswolds", False),
    ("retail", "Q2: Win back lapsed customers", False),
    ("public sector", "Make the 2027 census the easiest ever to complete", False),
    ("healthcare", "Achieve HIMSS Stage 7 digital maturity", False),
    ("education", "Grow our Year 12 pastoral support", False),
    ("manufacturing", "Make line 4 the model for lean production", False),
    ("non-profit", "Strengthen our volunteer program across the organization", False),
    ("legal", "Prepare the firm for the second phase of the merger", False),
    ("logistics", "Run the fleet on HVO before 2030", False),
    ("energy", "Roll out the V2G charging platform", False),
    ("agriculture", "Improve the profitability of our dairy herd", False),
    ("research", "Make the lab ready for its ISO/IEC 17025 assessment", False),
    ("retail", "Delight shoppers at the checkout", False),
    ("hospitality", "Offer 24/7 room service in every city hotel", False),
    (
        "energy",
        "Keep the lights on through the winter peak, and make sure vulnerable "
        "customers hear from us before an outage",
        False,
    ),
]
