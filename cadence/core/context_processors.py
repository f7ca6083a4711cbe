from django.conf import settings


def site(request):
    # Not ``site_name``: Django's LoginView sets that to the host name (django.contrib.sites).
    return {"brand_name": settings.SITE_NAME}
