"""Secret iCalendar feeds of a person's and a team's rituals (issue 15, point 3)."""
