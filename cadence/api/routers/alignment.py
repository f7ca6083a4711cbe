"""/api/v1: propose, approve and return objectives; dependencies; alignment health."""

from ninja import Router

router = Router(tags=["alignment"])
