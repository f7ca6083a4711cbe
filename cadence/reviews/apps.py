from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cadence.reviews"
    label = "reviews"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.okrs import hooks as okr_hooks
        from cadence.reviews import selectors

        okr_hooks.cycle_review_count.register(selectors.cycle_review_count)
        okr_hooks.cycle_reviewed_months.register(selectors.cycle_reviewed_months)
