from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "cadence.onboarding"
    label = "onboarding"
    verbose_name = "First run and setup checklist"
