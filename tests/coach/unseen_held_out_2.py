"""A second held-out set: the coach's rules are never tuned on it; only its scores are read.

English OKR text in the twelve registers of the first unseen set (public sector,
healthcare, education, manufacturing, non-profit, legal, logistics, hospitality,
research, retail, agriculture, energy), labeled as a seasoned OKR coach would.
It was written by someone who had not seen the coach's rules, following the
labeling conventions of ``unseen_tuning.py``. It and ``unseen_held_out_2.py``
were written as one batch of key results and objectives, dealt alternately into
the two files so that they have the same mix and difficulty.

KEY_RESULTS rows are (register, key result title, labels), where labels is a
string of zero or more of, in this order:
  N - the title carries no quantity
  V - phrased as work to do, with no measured result of that work
  C - the number counts activities or deliverables (volume of work)

OBJECTIVES rows are (register, objective title, has_metric).

Its sibling ``unseen_tuning_3.py`` may be used to tune the rules; this file never is.
"""

KEY_RESULTS: list[tuple[str, str, str]] = [
    # Measured outcomes, rates, service levels, baselines: no label.
    (
        "healthcare",
        "Bring did-not-attend rates in outpatient physiotherapy down from 14% to 8%",
        "",
    ),
    ("manufacturing", "OEE on the bottling line from 61% to 75%", ""),
    ("legal", "Write-offs on billed time below 4% of fees, from 9%", ""),
    ("hospitality", "RevPAR up 12% year on year at the harbour hotel", ""),
    ("retail", "Basket size in the convenience format from £11.40 to £13", ""),
    ("energy", "Restore supply to 90% of customers within 3 hours of a fault", ""),
    ("public sector", "Fewer than 5% of FOI requests answered late, down from 22%", ""),
    ("education", "90% of first-year apprentices still on programme after 12 weeks", ""),
    ("non-profit", "Keep 70% of first-year volunteers for a second year", ""),
    ("logistics", "Pick error rate no more than 1 in 2,000 lines", ""),
    ("research", "Cut median time from ethics submission to approval from 11 weeks to 4", ""),
    ("agriculture", "Lamb mortality before weaning under 10%, down from 16%", ""),
    (
        "healthcare",
        "Get 4 in 5 newly diagnosed diabetes patients onto a structured education"
        " course within 9 months of diagnosis",
        "",
    ),
    ("manufacturing", "Reduce changeover time on press 4 from 45 minutes to under 12", ""),
    ("legal", "Cut the average age of open litigation matters from 14 months to 10", ""),
    ("hospitality", "Direct bookings make up 45% of room nights, up from 29%", ""),
    ("retail", "Returns as a share of online sales down from 31% to 24%", ""),
    ("energy", "Bring the average new-connection quote time down from 35 days to 10", ""),
    ("public sector", "Raise online take-up of parking permit renewals from 38% to 75%", ""),
    (
        "education",
        "Average turnaround for marked coursework falls from 3 weeks to 5 school days",
        "",
    ),
    ("non-profit", "Cost to raise £1 down from 32p to 24p", ""),
    ("logistics", "Damage claims per 10,000 shipments halved", ""),
    ("research", "Independent replication rate for our headline findings at 90% or better", ""),
    ("agriculture", "Grow the cooperative's export sales to CHF 4m", ""),
    (
        "healthcare",
        "Median ambulance handover time at the emergency department under 15 minutes, from 47",
        "",
    ),
    ("manufacturing", "Energy use per tonne of finished steel cut by 8%", ""),
    ("legal", "Lock-up days down from 140 to 110", ""),
    ("hospitality", "NPS 45+ across the spa", ""),
    ("retail", "Click-and-collect orders ready within 2 hours: 95%, today 70%", ""),
    ("energy", "Lower the heat rate at the gas plant from 7,400 to 7,100 BTU/kWh", ""),
    ("public sector", "Answer 95% of 999 calls within 10 seconds, up from 88%", ""),
    ("education", "Graduate employment rate 15 months after finishing rises to 82%", ""),
    ("non-profit", "Helpline callers who say their problem was resolved: from 58% to 70%", ""),
    ("logistics", "Fuel per 100 km across the fleet down 7%", ""),
    (
        "research",
        "Q2 – shorten grant turnaround in the research office from 6 weeks to 10 working days",
        "",
    ),
    ("agriculture", "Post-harvest losses in the mango supply chain from 30% to 18%", ""),
    (
        "education",
        "H1 – raise the pass rate in Level 2 functional skills maths from 48% to "
        "65%, so that more adult learners can progress onto the Level 3 access "
        "courses in September",
        "",
    ),
    ("retail", "Run in-store styling events that lift average transaction value by 10%", ""),
    (
        "hospitality",
        "Lift the share of spa guests who rebook before they check out from one "
        "in ten to one in four, so that the spa stops depending on walk-ins "
        "during the quiet months",
        "",
    ),
    ("non-profit", "Hold supporter evenings that sign up at least 80 new legacy pledgers", ""),
    # Vague outcomes with no quantity.
    (
        "healthcare",
        "Families feel listened to when their relative is receiving end-of-life care",
        "N",
    ),
    ("manufacturing", "Operators own the quality of what leaves their cell", "N"),
    ("legal", "Associates feel the billable-hours target is fair", "N"),
    ("hospitality", "Guests leave the restaurant raving about the tasting menu", "N"),
    ("retail", "Customers find checkout in the app effortless", "N"),
    ("energy", "Customers on prepayment meters feel in control of their spend", "N"),
    ("public sector", "Callers get a clear answer from the 311 line the first time they ring", "N"),
    ("education", "Better attendance among Year 8 boys", "N"),
    ("non-profit", "Stronger relationships with our corporate partners", "N"),
    ("logistics", "Less dwell time at the Felixstowe gate", "N"),
    ("research", "Our datasets are findable and reusable under FAIR principles", "N"),
    ("agriculture", "Healthier herds with less reliance on antibiotics", "N"),
    ("healthcare", "Junior doctors on Ward 12 feel supported on night shifts", "N"),
    ("manufacturing", "Suppliers deliver right first time to our ISO 9001 standard", "N"),
    ("legal", "Clients get plain-English advice they can act on", "N"),
    ("hospitality", "Front-of-house staff feel confident handling complaints", "N"),
    ("retail", "Store managers trust the replenishment forecast", "N"),
    ("energy", "Engineers trust the SCADA alarms again after the Phase 2 upgrade", "N"),
    ("public sector", "Small businesses find council procurement less of a maze", "N"),
    ("education", "International students settle in quickly during their first term", "N"),
    ("logistics", "Smoother handovers between the day and night shifts at Hub 2", "N"),
    (
        "research",
        "Early-career researchers feel their ideas get a fair hearing, and stop "
        "taking them to rival institutes",
        "N",
    ),
    # Work with no quantity (digits here are names, not amounts).
    ("healthcare", "Roll out e-prescribing across the acute trust", "NV"),
    ("manufacturing", "Implement SAP S/4HANA at the Ghent plant", "NV"),
    ("legal", "Draft a firm-wide policy on the use of generative AI", "NV"),
    ("hospitality", "Redesign the breakfast buffet layout at the airport hotel", "NV"),
    ("retail", "Open a pop-up store in Covent Garden for Christmas", "NV"),
    ("energy", "Commission the smart-meter data platform", "NV"),
    ("public sector", "Publish the Local Plan 2026–2041 for consultation", "NV"),
    ("education", "Revamp the sixth-form careers programme ahead of UCAS season", "NV"),
    ("non-profit", "Recruit a volunteer coordinator for the Glasgow office", "NV"),
    ("logistics", "Integrate the WMS with the carrier's API v3", "NV"),
    ("research", "Apply for Horizon Europe funding for the battery chemistry consortium", "NV"),
    ("agriculture", "Get the packhouse GLOBALG.A.P. certified", "NV"),
    ("healthcare", "Agree a new discharge-to-assess pathway with social care", "NV"),
    ("manufacturing", "Document the lockout-tagout procedure for the new presses", "NV"),
    ("legal", "Q4: prepare the practice for the SRA's Consumer Duty review", "NV"),
    ("hospitality", "Rewrite the banqueting menu for the winter season", "NV"),
    ("retail", "Move the warehouse team to Windows 11 handhelds", "NV"),
    (
        "energy",
        "Replace the legacy outage management system before winter 2025/26, so "
        "that control engineers are not running storms off spreadsheets",
        "NV",
    ),
    # Work with a deadline, budget or size, but no measured result.
    ("manufacturing", "Commission a 2,000-tonne press on line 5 by March", "V"),
    ("legal", "Move the firm onto the new document management platform in 10 weeks", "V"),
    ("hospitality", "Open the 60-cover rooftop restaurant before the summer", "V"),
    ("retail", "Refit the flagship store in 8 weeks without closing", "V"),
    ("energy", "Connect the 20 MW solar farm to the grid within 9 months", "V"),
    ("public sector", "Deliver the town centre CCTV upgrade for under £250k", "V"),
    ("education", "Roll out the new timetabling software in under 4 weeks", "V"),
    ("non-profit", "Hire a head of fundraising within 90 days", "V"),
    ("logistics", "Replace the yard management system for less than $300k", "V"),
    # Work verb plus a count of things made or done.
    ("manufacturing", "Carry out 25 layered process audits a month", "VC"),
    ("legal", "Review 300 supplier contracts for the new data protection clauses", "VC"),
    ("hospitality", "Run 4 tasting events for wedding planners", "VC"),
    ("retail", "Refresh the window displays in 20 stores", "VC"),
    ("energy", "Install 1,500 smart meters in the pilot area", "VC"),
    ("public sector", "Run 8 drop-in sessions on the new bin collection schedule", "VC"),
    ("education", "Write forty new exam-style questions for the chemistry bank", "VC"),
    ("non-profit", "Submit 15 bids to community foundations", "VC"),
    ("logistics", "Fit telematics to 90 trailers", "VC"),
    ("research", "Run 400 assays on the new screening platform", "VC"),
    ("agriculture", "Hold 9 farm walks on regenerative grazing", "VC"),
    ("healthcare", "Send out 10,000 bowel screening reminder letters", "VC"),
    ("manufacturing", "Train 60 operators in SMED techniques", "VC"),
    ("legal", "Draft 20 template letters for the debt recovery team", "VC"),
    ("hospitality", "Send 2 guest newsletters a month", "VC"),
    ("energy", "Hold three open days at the hydro station", "VC"),
    # Counted activities or deliverables, framed as a change or a noun phrase.
    ("healthcare", "Home visits per district nurse go from 7 a day to 9", "C"),
    ("manufacturing", "Gemba walks by the plant manager: from monthly to three a week", "C"),
    ("legal", "Know-how notes published per quarter from 2 to 6", "C"),
    ("hospitality", "Menu tastings with the chef up from one a season to one a month", "C"),
    ("energy", "Substation inspections per quarter up from 40 to 60", "C"),
    (
        "public sector",
        "Number of council datasets published on the open data portal: from 30 to 80",
        "C",
    ),
    ("research", "Lab safety audits per year from two to four", "C"),
    ("logistics", "Driver ride-alongs by team leaders up from 4 to 10 a month", "C"),
]

OBJECTIVES: list[tuple[str, str, bool]] = [
    ("healthcare", "Treat 80% of stroke patients within an hour of arrival", True),
    ("manufacturing", "Double throughput at the Katowice plant without adding a shift", True),
    ("legal", "Win a fifth of our new work through referrals", True),
    ("hospitality", "Fill the hotel to 85% occupancy through the winter", True),
    ("retail", "Make own-brand products half of what we sell", True),
    ("energy", "Power 50,000 homes from community-owned solar", True),
    ("public sector", "Resolve nine in ten resident queries at the first contact", True),
    ("education", "Put our college in the top 10 for apprenticeship achievement", True),
    ("non-profit", "Fund our first thousand scholarships", True),
    ("logistics", "Run a fleet where half the vans are electric", True),
    ("research", "Attract €10m in new research income", True),
    ("agriculture", "Lift smallholder incomes by 20% in the Rift Valley", True),
    ("healthcare", "Treat twice as many patients at home as in hospital", True),
    ("logistics", "Move a million pallets through the new rail terminal", True),
    ("hospitality", "Turn twice-a-year guests into four-times-a-year guests", True),
    ("healthcare", "Become the #1 trust for maternity safety in the North West", False),
    ("manufacturing", "Reach Industry 4.0 maturity on line 1", False),
    ("legal", "Be the go-to firm for GDPR and NIS2 compliance", False),
    ("hospitality", "Be the first choice for corporate events in Manchester", False),
    ("retail", "Win back shoppers who left during the 2024 redesign", False),
    ("energy", "Lead the UK's move to 5G-enabled smart grids", False),
    ("public sector", "Deliver the 311 service residents deserve", False),
    ("education", "Get ready for the Key Stage 4 curriculum changes in 2027", False),
    ("non-profit", "Deliver our Strategy 2030 promise to rural communities", False),
    ("logistics", "Make the A14 corridor our fastest-growing region", False),
    ("research", "Get the institute ready for REF 2029", False),
    ("agriculture", "Secure Soil Association organic status for the estate", False),
    ("education", "Build a culture of reading across Years 7 to 9", False),
    ("research", "Open up our labs to citizen scientists", False),
    ("energy", "Put customers in charge of their own energy use", False),
]
