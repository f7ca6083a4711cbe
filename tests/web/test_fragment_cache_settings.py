"""CACHE_URL (cadence/settings.py) and a cache that fails: the page renders without it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from cadence.settings import cache_from_url
from tests.web.html_parts import element


def test_unset_is_a_cache_in_each_process():
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/7", "rediss://cache.example.com:6380/0"])
def test_a_redis_address_is_one_shared_redis(url):
    assert cache_from_url(url) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
    }


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "locmem://"])
def test_another_scheme_stops_start_up_saying_why(url):
    with pytest.raises(ImproperlyConfigured, match=r"CACHE_URL must be a redis:// or rediss://"):
        cache_from_url(url)


@pytest.mark.django_db
def test_an_unreachable_redis_costs_the_render_not_the_page(member_client, checked_in, caplog):
    # Port 1: nothing listens, the connection is refused at once.
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = member_client.get(reverse("objective_detail", args=[checked_in.objective_id]))
    assert response.status_code == 200
    assert "Onboarding completion" in element(response.content.decode(), f"kr-{checked_in.id}")
    assert "fragment cache unreachable" in caplog.text
