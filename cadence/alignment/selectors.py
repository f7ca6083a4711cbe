"""Alignment: propose → approve, dependencies, alignment health."""
