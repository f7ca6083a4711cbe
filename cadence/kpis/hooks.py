"""What the kpis app announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Listeners

# A KPI left its healthy band: ``kpi_left_band(kpi=…, crossing=…)``, called in the transaction
# that recorded the crossing (once per crossing; a rollback takes it back). Outgoing webhooks
# send ``kpi.left_band`` from it.
kpi_left_band = Listeners("kpis.kpi_left_band")
