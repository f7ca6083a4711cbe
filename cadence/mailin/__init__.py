"""Replies to the reminder and digest emails that become a person's weekly items (issue 15,
point 1): signed reply addresses, parsing, and the three ways in (standard input, IMAP, an
inbound webhook)."""
