"""A fixed "today" for tests whose dates must stay in the past whatever day they run."""

from datetime import date

from django.utils import timezone


class Clock:
    """Makes ``timezone.localdate()`` (the pages' and services' "today") answer ``value``; ``set(date)`` moves it.
    ``timezone.localdate(some_datetime)`` still converts as usual."""

    def __init__(self, monkeypatch, value: date):
        self.value = value
        real = timezone.localdate

        def localdate(value=None, timezone=None):
            return self.value if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    def set(self, value: date) -> date:
        self.value = value
        return value
