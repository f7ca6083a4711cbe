"""Unseen tuning set for the Cadence coach.

English OKR text in registers that Cadence's first labeled set lacked (public
sector, healthcare, education, manufacturing, non-profit, legal, logistics,
hospitality, research, retail, agriculture, energy), labeled as a seasoned OKR
coach would. It was written by someone who had not seen the coach's rules.
This file may be used to tune the rules; its sibling ``unseen_held_out.py``
never is.

KEY_RESULTS rows are (register, key result title, labels), where labels is a
string of zero or more of:
  N - the title carries no quantity
  V - phrased as work to do, with no measured result of that work
  C - the number counts activities or deliverables (volume of work)

OBJECTIVES rows are (register, objective title, has_metric).
"""

KEY_RESULTS: list[tuple[str, str, str]] = [
    # Measured outcomes, rates, service levels, baselines: no label.
    (
        "healthcare",
        "Reduce the number of patients waiting more than 18 weeks for orthopaedic "
        "surgery from 2,400 to under 900, so that nobody on the list waits longer "
        "than a year",
        "",
    ),
    (
        "healthcare",
        "Publish discharge summaries to GPs within 24 hours for 95% of patients, up from 61%",
        "",
    ),
    ("healthcare", "Raise protected coaching hours per ward nurse from 2 to 4 a month", ""),
    (
        "healthcare",
        "Free up 30 beds a day by cutting delayed discharges from 120 patients to 70",
        "",
    ),
    (
        "public sector",
        "Publish planning inspection reports within 10 working days instead of 30",
        "",
    ),
    ("public sector", "Answer 90% of council tax calls within 3 minutes, today 48%", ""),
    (
        "public sector",
        "Q3: bring the housing benefit backlog down from 6,200 claims to under 1,500",
        "",
    ),
    (
        "education",
        "Raise the share of Year 11 pupils achieving grade 5 or above in English "
        "and maths from 52% to 60%",
        "",
    ),
    ("education", "Double the number of adults enrolled in evening programmes", ""),
    ("manufacturing", "Zero lost-time injuries", ""),
    ("manufacturing", "Cut scrap on line 3 by a third", ""),
    ("non-profit", "Hold four community fairs that bring in at least 150 new regular donors", ""),
    ("non-profit", "Raise £250k in unrestricted donations from individual givers", ""),
    ("legal", "Close 85% of residential conveyancing files within 10 weeks of instruction", ""),
    (
        "legal",
        "Bring average contract review turnaround for the sales team down from 9 days to 3",
        "",
    ),
    (
        "logistics",
        "Deliver 98.5% of parcels within the promised 48-hour window, including the "
        "rural postcodes in the Highlands where we currently manage barely 80%",
        "",
    ),
    (
        "logistics",
        "Cut empty running on the Rotterdam–Duisburg lane from 31% to 18% of kilometres driven",
        "",
    ),
    (
        "logistics",
        "Send delivery-slot reminders 24 hours ahead for 90% of orders, currently 35%",
        "",
    ),
    ("hospitality", "Lift the average guest review score across our 12 hotels from 8.1 to 8.7", ""),
    ("hospitality", "Serve 95% of room-service orders within 25 minutes", ""),
    ("hospitality", "Publish staff rotas three weeks ahead instead of one", ""),
    ("hospitality", "Reduce plate waste per cover from 0.4 kg to 0.25 kg", ""),
    ("research", "Shorten the time from sample receipt to sequencing result from 21 days to 7", ""),
    ("research", "Secure €3m in competitive grant funding for the materials lab", ""),
    (
        "research",
        "Get 80% of new postdocs running their first experiment within 30 days of arrival",
        "",
    ),
    ("retail", "Grow the online repeat-purchase rate from 22% to 30%", ""),
    ("retail", "Win 25 new wholesale accounts in the Nordics", ""),
    (
        "retail",
        "Restock top-selling lines within 4 hours of a stockout instead of the next day",
        "",
    ),
    (
        "agriculture",
        "Raise average wheat yield across partner farms from 7.2 to 8 tonnes per hectare",
        "",
    ),
    ("agriculture", "Halve nitrate losses measured at the catchment outlet", ""),
    ("agriculture", "Sell ¥40m of premium rice through the Osaka direct-to-consumer channel", ""),
    ("energy", "Reduce unplanned outages at the Kilroot substation from 6 a year to 2", ""),
    (
        "energy",
        "Cut average household consumption in the heat-pump trial from 14,000 kWh "
        "to 10,500 kWh a year",
        "",
    ),
    # Vague outcomes with no quantity.
    ("healthcare", "Improve how patients rate communication on the maternity ward", "N"),
    ("public sector", "Make the planning portal easier for residents to use", "N"),
    ("public sector", "Residents in Ward 5 feel safer walking home after dark", "N"),
    ("education", "Strengthen parents' trust in the Year 7 transition process", "N"),
    ("manufacturing", "Fewer quality escapes reaching customers", "N"),
    (
        "legal",
        "Clients feel informed about the progress of their matter at every stage, and "
        "stop having to chase us by phone or email for updates",
        "N",
    ),
    ("logistics", "More reliable ETAs for our B2B customers", "N"),
    ("hospitality", "Guests experience a smoother check-in at the Lisbon property", "N"),
    ("retail", "Shoppers find what they came for on their first visit", "N"),
    ("agriculture", "Healthier soil on our arable land", "N"),
    ("energy", "Customers trust their bills again after the billing migration", "N"),
    ("non-profit", "Volunteers feel valued and choose to stay with the organisation", "N"),
    ("research", "Results from the cryo-EM facility are reproducible across teams", "N"),
    # Work with no quantity.
    ("healthcare", "Offer 24/7 triage through the community nurse line", "NV"),
    ("healthcare", "Prepare the pathology lab for its ISO 15189 accreditation visit", "NV"),
    ("logistics", "Roll out private 5G coverage at every cross-dock depot", "NV"),
    ("logistics", "Set up a returns hub in Q3", "NV"),
    ("public sector", "H2 – renew the street trading licence scheme", "NV"),
    ("research", "Bring the photographic archive of the sixties online", "NV"),
    (
        "manufacturing",
        "Migrate the plant historian to Windows Server 2022 before the current license expires",
        "NV",
    ),
    ("legal", "Replace the matter management system with the new cloud platform", "NV"),
    (
        "education",
        "Redesign the Key Stage 3 science curriculum so that practical work is built "
        "into every unit, and brief all science teachers on the changes before the "
        "autumn term",
        "NV",
    ),
    ("education", "Hire a head of sixth form", "NV"),
    ("hospitality", "Launch the new loyalty program in the Paris and Berlin hotels", "NV"),
    ("non-profit", "Write a safeguarding policy for the youth mentoring program", "NV"),
    ("retail", "Install self-checkout tills in the flagship store by 30 September", "NV"),
    ("energy", "Publish the Net Zero 2030 transition plan", "NV"),
    # Work with a number that is neither a count of deliverables nor a result.
    ("manufacturing", "Complete the ERP migration at the Leeds plant within 8 weeks", "V"),
    ("healthcare", "Launch the virtual ward pilot on a £1.2m budget", "V"),
    ("public sector", "Deliver the new library management system for under €400k", "V"),
    ("education", "Build a 40-seat computing lab at the Eastfield campus", "V"),
    ("energy", "Commission the 50 MW battery storage site at Dunkirk", "V"),
    ("research", "Hire a lab manager within 60 days", "V"),
    ("hospitality", "Refurbish the 3rd-floor suites in under 10 weeks", "V"),
    # Work verb plus a bare count of things made or done.
    (
        "public sector",
        "Translate 12 council leaflets into Polish and Urdu and hand them out through "
        "the libraries and community centres in the northern wards",
        "VC",
    ),
    ("education", "Visit 35 primary schools across the county", "VC"),
    ("education", "Record a dozen short revision videos for GCSE biology", "VC"),
    ("non-profit", "Print 5,000 leaflets for the winter appeal", "VC"),
    ("non-profit", "Organise 6 fundraising events in the autumn", "VC"),
    ("legal", "Resolve 800 queries through the client helpdesk", "VC"),
    ("healthcare", "Hire 6 theatre nurses for the day-surgery unit", "VC"),
    ("healthcare", "Deliver 15 sepsis awareness training sessions", "VC"),
    ("manufacturing", "Run 10 kaizen workshops on the assembly lines", "VC"),
    ("manufacturing", "Write 40 standard work instructions for the paint shop", "VC"),
    ("logistics", "Migrate 25 customer integrations to the new EDI gateway", "VC"),
    ("hospitality", "Train 120 front-of-house staff in allergen handling", "VC"),
    ("research", "Publish 8 papers in peer-reviewed journals", "VC"),
    ("retail", "Redesign 30 product detail pages", "VC"),
    ("retail", "Post on Instagram three times a week", "VC"),
    ("agriculture", "Install 200 soil moisture sensors across the orchards", "VC"),
    ("agriculture", "Plant 5 km of new hedgerow along field margins", "VC"),
    ("energy", "Audit 50 commercial buildings for energy efficiency", "VC"),
    ("energy", "Hold two public consultations on the offshore wind farm", "VC"),
    # Counted deliverables framed as a change or without a work verb.
    ("research", "Q3: raise experiment velocity in the growth lab from 3 to 8 tests a month", "C"),
    ("retail", "Grow the number of supplier case studies on our website from 4 to 10", "C"),
    ("public sector", "Increase consultations published per quarter from 5 to 12", "C"),
    ("healthcare", "Clinical audits completed per ward: 4 per quarter, up from 1", "C"),
    ("education", "Lesson observations per teacher go from one a term to three", "C"),
    ("manufacturing", "Preventive maintenance jobs completed each month rise from 180 to 260", "C"),
    ("logistics", "Weekly driver toolbox talks up from 2 to 5", "C"),
    ("non-profit", "Grant applications submitted per month up from 3 to 7", "C"),
    ("legal", "Legal updates sent to clients: from monthly to weekly", "C"),
]

OBJECTIVES: list[tuple[str, str, bool]] = [
    ("healthcare", "Get 95% of cancer patients treated within 62 days of referral", True),
    ("public sector", "Halve the time it takes to get a building permit", True),
    ("education", "Lift attendance above 96% in every year group", True),
    ("manufacturing", "Become a top 3 supplier of automotive castings in Central Europe", True),
    ("non-profit", "Reach our first 100 partner food banks", True),
    ("retail", "Make online 30% of total sales by the end of the year", True),
    ("logistics", "Carry two million parcels through the new Midlands hub", True),
    ("energy", "Cut the grid connection queue by a quarter", True),
    ("agriculture", "Grow organic acreage to 1,200 hectares", True),
    ("research", "Bring in CHF 5m from industry partnerships", True),
    ("hospitality", "Earn a 9 out of 10 guest rating across the group", True),
    ("legal", "Triple pro bono hours across the firm", True),
    (
        "healthcare",
        "Make our A&E the safest in the region, so that patients and staff trust "
        "the department again",
        False,
    ),
    ("public sector", "Q3: Modernise how residents pay for council services", False),
    ("education", "Prepare every school for the 2026 Ofsted framework", False),
    ("manufacturing", "Earn ISO 14001 certification across our European plants", False),
    ("non-profit", "Be the number one charity for youth homelessness in Scotland", False),
    ("retail", "Reduce shrinkage in our stores", False),
    ("logistics", "Launch same-day delivery in H2", False),
    ("energy", "Deliver our Net Zero 2030 commitments", False),
    ("agriculture", "Prepare the cooperative for the second harvest season", False),
    ("research", "Move our compute to the GPU cluster v2", False),
    ("hospitality", "Be #1 on TripAdvisor in Edinburgh", False),
    ("legal", "Modernise the firm's client onboarding", False),
    ("energy", "Make 5G smart metering the standard for new connections", False),
    ("public sector", "Open the new civic centre by 9am on 1 April", False),
    ("healthcare", "Improve waiting times for mental health services", False),
    ("research", "Build a world-class open data programme", False),
    ("education", "Give every Year 9 student a laptop", False),
    ("logistics", "Run a safer, greener fleet", False),
]
