"""One router per resource; each endpoint reads through selectors and writes through services."""
