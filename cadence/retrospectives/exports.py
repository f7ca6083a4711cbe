"""The company-wide review as a file: a PDF drawn with fpdf2 (pure Python, no system libraries).

The HTML export is a template (reviews/export_company.html); this module holds the PDF and the
file names. It reads only what ``selectors.company_review`` already loaded: no queries.
"""

from __future__ import annotations

from django.utils.text import slugify

from cadence.reviews import questions

# The PDF core fonts speak Latin-1; typographic punctuation is mapped to its plain cousin and
# anything else outside Latin-1 becomes "?" rather than failing the export.
_PLAIN = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u2192": "->",
        "\u2190": "<-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


def latin1(text) -> str:
    return str(text or "").translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def filename(cycle, ext: str) -> str:
    return f"company-review-{slugify(cycle.name) or 'cycle'}.{ext}"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{round(rate * 100)}%"


def _document_class():
    """The PDF document class. fpdf2 is imported on first use, not when the app starts (it
    costs a quarter of a second of every process's start)."""
    from fpdf import FPDF

    class _Document(FPDF):
        def __init__(self, title: str):
            super().__init__(format="A4")
            self.title_text = title
            self.set_margins(18, 18, 18)
            self.set_auto_page_break(auto=True, margin=18)
            self.set_title(title)
            self.set_creator("Cadence")

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, latin1(f"{self.title_text} - page {self.page_no()}"), align="C")
            self.set_text_color(0, 0, 0)

        def heading(self, text: str, size: int = 14) -> None:
            self.set_font("Helvetica", "B", size)
            self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
            self.ln(1.5)

        def label(self, text: str) -> None:
            self.set_font("Helvetica", "B", 10)
            self.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")

        def para(self, text: str, *, muted: bool = False) -> None:
            self.set_font("Helvetica", "I" if muted else "", 10)
            self.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
            self.ln(1)

        def bullets(self, items) -> None:
            self.set_font("Helvetica", size=10)
            for item in items:
                self.multi_cell(0, 5, latin1(f"-  {item}"), new_x="LMARGIN", new_y="NEXT")
            self.ln(1)

    return _Document


def _score_line(o, scheme: str) -> str:
    band = o.score_band
    words = f"{o.score_text} ({band.label})" if band else "not scored"
    if o.is_preview and o.final_score is not None:
        words += ", preview"
    success = {True: "succeeded", False: "missed", None: "-"}[o.success]
    return f"{o.title} - {o.commitment_label.lower()}: {words}; {success}"


def company_review_pdf(review, *, compress: bool = True) -> bytes:
    """The company-wide review (a ``selectors.CompanyReview``) as PDF bytes."""
    cycle = review.cycle
    title = f"Company-wide review - {cycle.name}"
    pdf = _document_class()(title)
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.heading(title, 18)
    pdf.para(
        f"{cycle.start:%d %b %Y} to {cycle.end:%d %b %Y}. "
        f"Company objectives succeeded: {_percent(review.company_success_rate)}; "
        f"all objectives: {_percent(review.success_rate)}."
    )

    pdf.heading("Company objectives")
    if review.company_objectives:
        pdf.bullets(_score_line(o, review.scheme) for o in review.company_objectives)
    else:
        pdf.para("No company objectives in this cycle.", muted=True)

    satisfaction = {"yes": "Satisfied", "partly": "Partly satisfied", "no": "Not satisfied"}
    for group in review.groups:
        pdf.add_page()
        pdf.heading(group.unit.name if group.unit else "Teams reporting to the company", 16)
        if group.takeaways:
            pdf.label("Department takeaways")
            pdf.bullets(t.text for t in group.takeaways)
        for team in group.teams:
            pdf.heading(team.unit.name, 13)
            r = team.review
            pdf.para(
                f"Success rate {_percent(team.success_rate)}"
                + (f" - {satisfaction.get(r.satisfaction, 'satisfaction not said')}" if r else "")
                + ("" if team.is_complete else " - retrospective not complete")
            )
            if team.objectives:
                pdf.bullets(_score_line(o, review.scheme) for o in team.objectives)
            if r is None:
                pdf.para("No retrospective written yet.", muted=True)
                continue
            for label, text in (
                ("How the cycle went", r.overview),
                ("What worked", r.worked),
                ("What did not work", r.failed),
            ):
                if text:
                    pdf.label(label)
                    pdf.para(text)
            if team.learnings:
                pdf.label("Key learnings")
                pdf.bullets(x.text for x in team.learnings)

    pdf.add_page()
    pdf.heading("Discussion and closing", 16)
    r = review.review
    answers = r.answers if r else {}
    for qid, question in questions.COMPANY:
        if answers.get(qid):
            pdf.label(question)
            pdf.para(answers[qid])
    if r and r.notes:
        pdf.label("Discussion notes")
        pdf.para(r.notes)
    pdf.label("Closing summary")
    pdf.para(r.overview if r and r.overview else "Not written yet.", muted=not (r and r.overview))
    if review.ideas:
        pdf.label("Ideas for next cycle's company objectives")
        pdf.bullets(i.text for i in review.ideas)
    return bytes(pdf.output())
