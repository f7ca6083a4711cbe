"""/api/v1/coach: the coach's checks, findings of stored OKRs, settings."""

from ninja import Router

router = Router(tags=["coach"])
