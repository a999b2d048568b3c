"""The one "today" of the shell (views, forms, commands): the local date in Europe/Brussels.

Rules never call it: they take dates as arguments. Modules import it by name, so a test may replace a
module's ``today`` (or ``django.utils.timezone.localdate``, as tests/clock.py does) to fix the date.
"""

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
