"""REST API v1 (django-ninja): schemas and thin routers over the selectors and services."""
