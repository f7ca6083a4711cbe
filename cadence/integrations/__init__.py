"""Integrations out: outgoing webhooks, Slack and Microsoft Teams channels, the Slack app, and
key results that update themselves from a data source (issue 15). Every outbound call is made by
the worker from a claimed, retried row, through ``cadence.core.outbound``."""
