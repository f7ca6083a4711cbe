"""Coach pages: the checks (live, guide, settings), findings of stored OKRs, the OKR wizard."""
