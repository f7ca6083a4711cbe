"""Second unseen tuning set for the Cadence coach.

English OKR text in the same registers as ``unseen_tuning.py`` (public sector,
healthcare, education, manufacturing, non-profit, legal, logistics, hospitality,
research, retail, agriculture, energy), labeled as a seasoned OKR coach would.
It is a second tuning set, written by someone who had not seen the coach's
rules (nor the first held-out set), following the labeling conventions of
``unseen_tuning.py``. It may be used to tune the rules; ``unseen_held_out.py``
never is.

KEY_RESULTS rows are (register, key result title, labels), where labels is a
string of zero or more of, in this order:
  N - the title carries no quantity
  V - phrased as work to do, with no measured result of that work
  C - the number counts activities or deliverables (volume of work)

Digits that name things ("5G", "B2C", "ISO 9001", "Windows 11", "24/7", "1:1s",
"Ward 5", "Room 214", "Python 3.12", years, quarters, decades, clock times,
centuries) are not quantities; number words, fractions and multipliers are.
A deadline or budget is not a result; a baseline, rate or service level is.
Patients treated, students enrolled, customers, donors and members won are
results, not counted deliverables.

OBJECTIVES rows are (register, objective title, has_metric).
"""

KEY_RESULTS: list[tuple[str, str, str]] = [
    # ----------------------------------------------------------------- public sector
    ("public sector", "Cut the average wait for a blue badge decision from 11 weeks to 4", ""),
    (
        "public sector",
        "KR2: 85% of FOI requests answered within the statutory 20 working days (currently 62%)",
        "",
    ),
    ("public sector", "No more than 2% of bin collections missed in any month", ""),
    (
        "public sector",
        "Get two thirds of parking permit renewals done online without a phone call",
        "",
    ),
    (
        "public sector",
        "Send text reminders so that missed housing inspections fall from 14% to 5%",
        "",
    ),
    (
        "public sector",
        "Residents can find out what happened to their planning objection without ringing us",
        "N",
    ),
    ("public sector", "Fewer complaints escalated to the Ombudsman", "N"),
    (
        "public sector",
        "Small businesses see the council as a partner, not an obstacle, so that more of "
        "them stay in the town centre",
        "N",
    ),
    ("public sector", "Digitise the 1970s and 1980s building control records", "NV"),
    ("public sector", "Tender the 2027 highways maintenance contract", "NV"),
    (
        "public sector",
        "Refurbish the Market Street customer service centre within 12 weeks and for under £350k",
        "V",
    ),
    ("public sector", "Survey 60 high streets for accessibility barriers", "VC"),
    ("public sector", "Community drop-in sessions held per month: up from 3 to 8", "C"),
    # -------------------------------------------------------------------- healthcare
    ("healthcare", "Ward 7 readmissions within 30 days below 8%, from 12.5% today", ""),
    (
        "healthcare",
        "Increase the share of nurse time spent at the bedside from 38% to 50% of each shift",
        "",
    ),
    ("healthcare", "Reduce did-not-attend rates in outpatient physiotherapy by half", ""),
    ("healthcare", "Q2: 9 in 10 stroke patients scanned within an hour of arrival", ""),
    ("healthcare", "Vaccinate 3,000 care-home residents against flu this autumn", ""),
    ("healthcare", "Families on the paediatric unit feel involved in decisions about care", "N"),
    ("healthcare", "Shorter waits for a first appointment in community mental health", "N"),
    ("healthcare", "Pilot e-prescribing on Ward 5 and the Day Surgery Unit", "NV"),
    (
        "healthcare",
        "Set up 1:1s between every newly qualified nurse and a named preceptor",
        "NV",
    ),
    ("healthcare", "Open a 24-bed step-down unit at St Mary's on a £2.4m budget", "V"),
    ("healthcare", "Run 24 falls-prevention classes in the community hubs", "VC"),
    ("healthcare", "Write care pathways for 14 long-term conditions", "VC"),
    (
        "healthcare",
        "Discharge prescriptions checked by pharmacy each week: from 40 to 120",
        "C",
    ),
    # --------------------------------------------------------------------- education
    (
        "education",
        "Raise Year 6 reading attainment at the expected standard from 71% to 80%",
        "",
    ),
    (
        "education",
        "Persistent absence among pupils on free school meals under 15%, down from 24%",
        "",
    ),
    (
        "education",
        "Enrol 450 adult learners on the new evening digital skills courses",
        "",
    ),
    ("education", "Three quarters of apprentices finish their programme on time", ""),
    (
        "education",
        "Students feel confident using the new virtual learning environment",
        "N",
    ),
    ("education", "A calmer start to the school day in Year 7", "N"),
    ("education", "Teachers spend their evenings on planning, not on data entry", "N"),
    ("education", "Introduce a 1:1 Chromebook scheme for Key Stage 4", "NV"),
    ("education", "Redesign the sixth-form induction programme", "NV"),
    (
        "education",
        "Build a 3-day induction course for newly qualified teachers by the end of August",
        "V",
    ),
    (
        "education",
        "Mark 2,000 mock exam papers with the moderation team before half term",
        "VC",
    ),
    ("education", "Host eight open evenings for prospective families", "VC"),
    ("education", "Parent workshops per term: from one to four", "C"),
    # ----------------------------------------------------------------- manufacturing
    ("manufacturing", "OEE on the stamping line above 78%, from 64%", ""),
    ("manufacturing", "Cut changeover time on press 4 from 45 minutes to under 15", ""),
    ("manufacturing", "Customer PPM below 50 for the 2025 model year", ""),
    ("manufacturing", "Bring first-pass yield at the Brno plant up to 97%", ""),
    (
        "manufacturing",
        "Operators trust the new MES screens enough to stop keeping paper logs",
        "N",
    ),
    ("manufacturing", "Less unplanned downtime on the Line 2 robots", "N"),
    ("manufacturing", "Recertify the plant to ISO 9001:2015", "NV"),
    ("manufacturing", "Stand up a tool crib for the 24/7 maintenance crew", "NV"),
    (
        "manufacturing",
        "Install a 500 kW solar array on the Hall 3 roof before the summer shutdown",
        "V",
    ),
    ("manufacturing", "Refurbish 18 CNC spindles", "VC"),
    ("manufacturing", "Calibrate 350 gauges in the metrology lab", "VC"),
    ("manufacturing", "5S audits per cell per month go from one to four", "C"),
    # -------------------------------------------------------------------- non-profit
    ("non-profit", "Grow monthly regular givers from 1,800 to 2,500", ""),
    ("non-profit", "Raise €120,000 from the spring gala", ""),
    (
        "non-profit",
        "Hold ten street collections that sign up at least 300 new members",
        "",
    ),
    ("non-profit", "Keep admin costs at or below 12p in every £1 raised", ""),
    ("non-profit", "Donors understand where their money goes", "N"),
    (
        "non-profit",
        "Our food bank clients are treated with dignity at every visit",
        "N",
    ),
    ("non-profit", "Apply for a National Lottery Community Fund grant", "NV"),
    (
        "non-profit",
        "Map the 2024 supporter journey and share it with the trustees",
        "NV",
    ),
    ("non-profit", "Launch the winter appeal on a budget of £15k", "V"),
    ("non-profit", "Send 12,000 appeal letters by Royal Mail", "VC"),
    ("non-profit", "Organise a dozen volunteer open days", "VC"),
    ("non-profit", "Social media posts a week up from 3 to 10", "C"),
    # ------------------------------------------------------------------------- legal
    ("legal", "Cut the average time to first draft of a lease from 12 days to 5", ""),
    ("legal", "Bill 92% of recorded hours, up from 84%", ""),
    ("legal", "Write-offs on fixed-fee matters under 3% of fees", ""),
    ("legal", "Sign 15 new corporate retainer clients in the Midlands", ""),
    ("legal", "Partners spend less time on routine document review", "N"),
    (
        "legal",
        "Clients see the firm as their first call for employment disputes",
        "N",
    ),
    ("legal", "Roll out e-signatures for all engagement letters", "NV"),
    (
        "legal",
        "Update our precedents library for the Employment Rights Act 2025",
        "NV",
    ),
    ("legal", "Implement the new time-recording tool within six weeks", "V"),
    (
        "legal",
        "Review 1,500 supplier contracts for the GDPR remediation project",
        "VC",
    ),
    ("legal", "Publish four client briefings on the new procurement rules", "VC"),
    ("legal", "Know-how notes written per associate each quarter: up from 1 to 3", "C"),
    # --------------------------------------------------------------------- logistics
    ("logistics", "Fewer than 3 late shipments a month to the Madrid DC", ""),
    ("logistics", "On-time-in-full to Tesco 97%+", ""),
    ("logistics", "Cut average dock-to-stock time from 6 hours to 2", ""),
    ("logistics", "Damaged pallets per 1,000 shipped down from 4.2 to 1.5", ""),
    (
        "logistics",
        "Reduce diesel use per 100 km by 8% across the 40-truck fleet",
        "",
    ),
    ("logistics", "Drivers get home on time more often", "N"),
    ("logistics", "Warehouse pickers make fewer mistakes in peak season", "N"),
    (
        "logistics",
        "Customers in the Highlands and Islands get the same service as the Central Belt",
        "N",
    ),
    ("logistics", "Go live with the B2C returns portal in Q2", "NV"),
    ("logistics", "Replace the handheld scanners at the Felixstowe depot", "NV"),
    ("logistics", "Roll out route optimisation at the 12 regional depots by October", "V"),
    ("logistics", "Re-label 8,000 pallet locations in the Coventry warehouse", "VC"),
    ("logistics", "Cycle counts per aisle per week up from 1 to 3", "C"),
    # ------------------------------------------------------------------- hospitality
    ("hospitality", "NPS 45+ at every property", ""),
    ("hospitality", "Raise weekday spa occupancy from 40% to 65%", ""),
    (
        "hospitality",
        "Room turnaround under 35 minutes for 9 out of 10 departures",
        "",
    ),
    (
        "hospitality",
        "Grow direct bookings to half of all room nights, from 31% today",
        "",
    ),
    (
        "hospitality",
        "Lift revenue per available room at the Kyoto ryokan to ¥28,000",
        "",
    ),
    ("hospitality", "Guests leave the restaurant feeling looked after", "N"),
    ("hospitality", "A warmer welcome for late-night arrivals after 11pm", "N"),
    ("hospitality", "Housekeeping stops being the bottleneck on Saturday changeovers", "N"),
    ("hospitality", "Refurbish the Garden Suite and the Room 214 bathroom", "NV"),
    ("hospitality", "Introduce a 24/7 concierge chat on WhatsApp", "NV"),
    ("hospitality", "Renovate the 80-cover terrace restaurant for under €250k", "V"),
    ("hospitality", "Taste-test 30 new menu dishes with the kitchen brigade", "VC"),
    ("hospitality", "Run mystery-shop visits twice a month at each hotel", "VC"),
    ("hospitality", "Cross-training shifts per month for bar staff: up from 4 to 12", "C"),
    # ---------------------------------------------------------------------- research
    (
        "research",
        "Cut instrument downtime on the mass spectrometers from 14% to under 5%",
        "",
    ),
    ("research", "Win £1.5m of Horizon Europe funding for the coastal erosion consortium", ""),
    (
        "research",
        "At least 60% of datasets deposited with a DOI within 3 months of publication",
        "",
    ),
    (
        "research",
        "Get the median time from ethics submission to approval under 30 days",
        "",
    ),
    (
        "research",
        "Early-career researchers feel they have a clear path to independence",
        "N",
    ),
    ("research", "Research data is findable by people outside the group", "N"),
    ("research", "A healthier lab culture after the 2023 staff survey", "N"),
    ("research", "Catalogue the 19th-century herbarium specimens", "NV"),
    ("research", "Migrate the analysis pipelines to Python 3.12", "NV"),
    (
        "research",
        "Fit out a 200 m² cleanroom for the photonics group for no more than CHF 800k",
        "V",
    ),
    ("research", "Sequence 5,000 soil samples from the field trials", "VC"),
    ("research", "Present at 6 international conferences", "VC"),
    ("research", "Preprints posted per quarter rise from 2 to 5", "C"),
    # ------------------------------------------------------------------------ retail
    ("retail", "Lift average basket size in the Leeds store from £23 to £27", ""),
    ("retail", "Returns rate on womenswear down to 18%, from 26%", ""),
    ("retail", "On-shelf availability of the top 200 SKUs at 98% or better", ""),
    ("retail", "Triple loyalty-app sign-ups in the 18 suburban stores", ""),
    ("retail", "Grow US e-commerce revenue from $2.6m to $4m", ""),
    ("retail", "Customers can pick up online orders without queueing", "N"),
    ("retail", "The Black Friday peak runs without a checkout outage", "N"),
    (
        "retail",
        "Store managers get their weekly sales figures before the 9am huddle",
        "N",
    ),
    ("retail", "Stock the autumn/winter range in the Cork and Galway stores", "NV"),
    ("retail", "Launch click-and-collect lockers at the Westfield store", "NV"),
    (
        "retail",
        "Open the 2,000 sq ft pop-up store on Oxford Street within 4 weeks",
        "V",
    ),
    ("retail", "Photograph 1,200 new products for the web shop", "VC"),
    ("retail", "Run 20 A/B tests on the checkout flow", "VC"),
    ("retail", "Area manager store visits: at least two a month per store", "C"),
    # ------------------------------------------------------------------- agriculture
    ("agriculture", "Cut fertiliser spend per hectare by 15% without losing yield", ""),
    ("agriculture", "Raise milk yield per cow from 7,800 to 8,500 litres a year", ""),
    ("agriculture", "Lamb mortality under 5% this spring", ""),
    (
        "agriculture",
        "Sell 600 tonnes of malting barley to the Speyside distilleries",
        "",
    ),
    (
        "agriculture",
        "Raise the farm-gate price paid to member farmers by ₹4 per kilo",
        "",
    ),
    ("agriculture", "Better water retention in the sandy fields", "N"),
    ("agriculture", "Growers get paid on time for what they deliver", "N"),
    ("agriculture", "Plant cover crops on the river-margin fields after harvest", "NV"),
    ("agriculture", "Map field drainage on the home farm", "NV"),
    ("agriculture", "Build a 1,000-tonne grain store before the 2026 harvest", "V"),
    ("agriculture", "Plant 12 hectares of agroforestry", "VC"),
    ("agriculture", "Soil-test 250 fields across the co-operative", "VC"),
    ("agriculture", "Farm walks hosted per season: from 2 to 6", "C"),
    # ------------------------------------------------------------------------ energy
    (
        "energy",
        "Cut the average time to connect a new rooftop solar installation from 90 days to 30",
        "",
    ),
    ("energy", "Grid frequency excursions fewer than 2 per quarter", ""),
    ("energy", "Raise capacity factor at the Moray wind farm from 34% to 40%", ""),
    ("energy", "Sign up 5,000 households to the time-of-use tariff", ""),
    ("energy", "Lower line losses on the rural 11 kV network to 6%", ""),
    ("energy", "Customers understand their smart meter data", "N"),
    ("energy", "Field crews spend less time travelling between jobs", "N"),
    ("energy", "Fewer customers left without heating during the January cold snaps", "N"),
    ("energy", "Commission the Ardmore substation upgrade", "NV"),
    ("energy", "Publish the RIIO-ED3 business plan", "NV"),
    (
        "energy",
        "Repower the 1990s Ardmore wind farm with 6 MW turbines by 2027",
        "V",
    ),
    ("energy", "Install 400 smart meters a week", "VC"),
    ("energy", "Inspect 2,500 wooden poles for rot", "VC"),
]

OBJECTIVES: list[tuple[str, str, bool]] = [
    ("public sector", "Get two thirds of council services online by the end of the year", True),
    ("public sector", "Halve rough sleeping in the city centre", True),
    ("public sector", "Make Ward 5 the safest neighbourhood in the borough", False),
    ("public sector", "Deliver the Vision 2030 housing strategy", False),
    ("healthcare", "Treat nine in ten A&E patients within four hours", True),
    (
        "healthcare",
        "Be among the top 3 trusts for patient experience in the North West",
        True,
    ),
    ("healthcare", "Be the #1 choice for maternity care in the county", False),
    ("healthcare", "Make 24/7 community nursing a reality", False),
    ("education", "Welcome our first 500 online learners", True),
    ("education", "Close the attainment gap for disadvantaged pupils by a third", True),
    ("education", "Prepare every student for the 2027 curriculum changes", False),
    ("education", "Build a sixth form that Year 11 students choose to stay for", False),
    ("manufacturing", "Double output from the Brno plant without adding a shift", True),
    ("manufacturing", "Get scrap below 2% across all lines", True),
    ("manufacturing", "Become an Industry 4.0 lighthouse plant", False),
    ("manufacturing", "Win the second phase of the Airbus supplier programme", False),
    ("non-profit", "Reach one in four young carers in the county", True),
    ("non-profit", "Raise £1m for the new hospice wing", True),
    (
        "non-profit",
        "Be the first charity young people call when they need help",
        False,
    ),
    ("non-profit", "Put our 2030 strategy into action", False),
    (
        "legal",
        "Grow cross-selling so that a quarter of new matters come from existing clients",
        True,
    ),
    ("legal", "Make us a top-five employment practice in the Legal 500", True),
    ("legal", "Be the #1 firm for agricultural law in Wales", False),
    ("legal", "Get the firm ready for the 2026 SRA rule changes", False),
    ("logistics", "Deliver 99% of parcels on the first attempt", True),
    ("logistics", "Carry half a million more pallets through Felixstowe", True),
    ("logistics", "Make same-day delivery standard inside the M25", False),
    ("logistics", "Become the first carbon-neutral carrier in the Benelux", False),
    ("hospitality", "Fill three quarters of our rooms midweek all year round", True),
    ("hospitality", "Earn a place among the top 10 hotels in Lisbon on TripAdvisor", True),
    ("hospitality", "Win back the guests we lost during the 2024 renovation", False),
    (
        "hospitality",
        "Be Kyoto's first-choice ryokan for international families",
        False,
    ),
    ("research", "Bring a tenth of our funding from industry partners", True),
    ("research", "Publish our first 20 open datasets", True),
    ("research", "Build the leading 5G testbed in Europe", False),
    ("research", "Make the lab ready for REF 2029", False),
    ("retail", "Make the app a third of our sales", True),
    ("retail", "Open twelve new stores in Scandinavia", True),
    ("retail", "Be the #1 destination for outdoor gear in the Alps", False),
    ("retail", "Win the Christmas 2025 peak", False),
    ("agriculture", "Double the income of our smallholder partners", True),
    ("agriculture", "Put half of our land under regenerative practice", True),
    ("agriculture", "Become Kenya's first Fairtrade-certified avocado co-op", False),
    ("agriculture", "Prepare our farms for the 2028 water abstraction rules", False),
    ("energy", "Cut grid connection times by two thirds", True),
    ("energy", "Put 500 MW of offshore wind into operation", True),
    ("energy", "Lead the UK's transition to Net Zero by 2050", False),
    ("energy", "Make Unit 2 at Drax the most reliable in the fleet", False),
]
