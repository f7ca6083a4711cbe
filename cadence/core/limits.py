"""One source for each bound that input is held to before it reaches the database.

Models (field validators), forms, API schemas and services read these numbers from here, so the
bound a person is told about is the bound that is kept, on SQLite and PostgreSQL alike.
"""

from datetime import date

# Dates: every date people give (a cycle's days, a week, a month, a feed cursor) lies in these
# years. Wider than any plan; narrow enough that a day or a week on either side still exists.
FIRST_YEAR = 2000
LAST_YEAR = 2200
FIRST_DATE = date(FIRST_YEAR, 1, 1)
LAST_DATE = date(LAST_YEAR, 12, 31)
DATE_RANGE_TEXT = f"between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}"

# The dates of those years and no others, as YYYY-MM-DD (JSON Schema cannot bound a date, so the
# API documents it with this pattern; tests/core/test_limits.py checks it day by day).
DATE_PATTERN = (
    r"^(?:(?:20[0-9][0-9]|21[0-9][0-9]|2200)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:2000|2[01](?:0[48]|[2468][048]|[13579][26]))-02-29)$"
)
# An ISO week (2026-W47) and a month (2026-11) of those years; week 53 only in the years that
# have one.
_LONG_YEARS = [
    y for y in range(FIRST_YEAR, LAST_YEAR + 1) if date(y, 12, 28).isocalendar()[1] == 53
]
WEEK_PATTERN = (
    r"^(?:(?:20[0-9][0-9]|21[0-9][0-9]|2200)-W(?:0[1-9]|[1-4][0-9]|5[0-2])"
    rf"|(?:{'|'.join(map(str, _LONG_YEARS))})-W53)$"
)
MONTH_PATTERN = r"^(?:20[0-9][0-9]|21[0-9][0-9]|2200)-(?:0[1-9]|1[0-2])$"

# Numbers people measure (a key result's start, target, a check-in's value).
MAX_ABS_VALUE = 1e15
MAX_ABS_VALUE_TEXT = "-10^15 and 10^15"

# A key result's weight in its objective.
MIN_WEIGHT = 0.01
MAX_WEIGHT = 100.0

# A score at the end of a cycle.
MIN_SCORE = 0.0
MAX_SCORE = 1.0

# Whole numbers in query strings and bodies (offsets, positions): what a 32-bit integer column
# holds, far past the length of any list here.
MAX_INT = 2**31 - 1

# Text: the most characters each kind of text may hold. The models' fields are declared with
# these; forms and API schemas read them from here (or from the model's field), and services
# check them again (a TextField's max_length is only a form's rule, not the database's).
MIN_TITLE = 3  # an objective's or key result's title, once stripped
MAX_TITLE = 200
MAX_NAME = 200  # an organization's, unit's or person's name
MAX_EXTERNAL_ID = 100  # the id of an objective or key result in another system (imports)
MAX_CYCLE_NAME = 100
MAX_TOKEN_NAME = 100  # a personal API token's name
MAX_EMAIL = 254  # what an address can be (RFC 5321)
MAX_TIME_ZONE = 64
MAX_MEASURE_UNIT = 30  # a key result's unit: %, $, tickets
MAX_CATEGORY_NAME = 60  # a weekly category's name
MAX_SLUG = 40  # a weekly category's slug; a coach check's id
# A few lines: a weekly item, a learning (or takeaway, idea), why an objective stands alone, a
# dependency's description and note.
MAX_SHORT_TEXT = 1000
# A paragraph: an objective's why, a check-in's note, an approval comment, and every reason
# (abandoning an objective, changing a target, adjusting a score).
MAX_TEXT = 2000
# A considered answer: a review's answers, a retrospective's overview, what worked and what
# failed, a company review's summary, what a retrospective says about one objective.
MAX_LONG_TEXT = 4000
MAX_COMMENT = 5000
MAX_NOTES = 10_000  # a review's notes, a meeting's notes
MAX_DISMISS_REASON = 500  # why a coach's warning does not apply here
MAX_SUBSCRIBERS = 500  # external subscribers of one organization (board members, investors)

# The longest request line (method, path and query string) `cadence serve` reads; longer ones get
# the HTTP server's own 414 before the app sees them. gunicorn's default, said once for the server
# and the API document.
MAX_REQUEST_LINE = 4094

# Spreadsheet imports (transfer.sheets_in): what an uploaded file may be before it is parsed, so
# that a hostile file (a zip bomb, a sheet ten thousand columns wide) is refused with a message
# instead of filling memory. The row limits are what the import is measured at (`make bench`,
# docs/scaling.md): 100,000 key results with ten check-ins each, read as they are parsed and
# written in bulk, within a minute and 300 MB.
MAX_IMPORT_BYTES = 64 * 1024 * 1024  # the uploaded file
MAX_IMPORT_UNCOMPRESSED = 400 * 1024 * 1024  # an XLSX's members, all together, once unzipped
MAX_IMPORT_RATIO = 200  # uncompressed / compressed, per member of an XLSX (text sheets: 5–50)
MAX_IMPORT_MEMBERS = 1000  # the files inside an XLSX
MAX_IMPORT_COLUMNS = 100
MAX_IMPORT_OKR_ROWS = 100_000  # rows of the OKRs sheet: one per key result
MAX_IMPORT_CHECK_IN_ROWS = 1_000_000  # rows of the check-ins sheet
MAX_IMPORT_CELL = 10_000  # characters in one cell (the longest text a field takes is shorter)

# Outgoing webhooks (integrations): an endpoint's address, and how many one organization keeps.
MAX_WEBHOOK_URL = 2000
MAX_WEBHOOKS = 50
# Slack and Teams channels (integrations): how many one organization connects, and a label's length.
MAX_CHANNELS = 200
MAX_CHANNEL_LABEL = 80
