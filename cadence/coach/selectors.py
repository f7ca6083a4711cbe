"""Organization-scoped reads of the coach: settings, findings of stored OKRs, quality."""
