"""The SECRET_KEY of the test run: with DEBUG off, `cadence serve` and `cadence worker` refuse the
public development key (cadence/core/deploy.py), so every process the tests start gets this one.
Any value other than the development key will do; none is a secret."""

TEST_SECRET_KEY = "cadence-tests-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
