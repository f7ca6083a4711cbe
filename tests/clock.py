"""The suite's clock: every test runs at the same moment, whatever the wall clock says.

Fixtures build cycles, weeks and deadlines around a fixed date (Q4 2026), so the code under test
must read the same date. The autouse ``_frozen_clock`` fixture (tests/conftest.py) moves the
process's clock to ``TEST_NOW`` before each test and lets it tick from there: durations and
timeouts still work, and a test that needs another moment travels there itself with
``time_machine.travel``. Tests that start other processes (servers, workers) cannot move those
processes' clocks; they are marked ``real_clock`` and build their data around the real date.
"""

from datetime import UTC, datetime

# A Monday in the second half of Q4 2026, 10:00 UTC: seven full weeks of the quarter behind it.
TEST_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TEST_TODAY = TEST_NOW.date()
