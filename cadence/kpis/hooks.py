"""What the kpis app announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Hook, Listeners

# A KPI left its healthy band: ``kpi_left_band(kpi=…, crossing=…)``, called in the transaction
# that recorded the crossing (once per crossing; a rollback takes it back). Outgoing webhooks
# send ``kpi.left_band`` from it.
kpi_left_band = Listeners("kpis.kpi_left_band")

# The KPI's data source for its page, or None: ``kpi_data_source(kpi)`` answers an object with
# ``label``, ``active``, ``requested`` ("sync" when one is asked), ``last_error`` and
# ``failures_in_a_row``. Data sources live in integrations (above kpis), which answers.
kpi_data_source = Hook("kpis.kpi_data_source")
