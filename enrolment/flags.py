"""Deadline flags (:class:`enrolment.models.DeadlineFlag`): the mark a sweep leaves on a record that a dated rule
reached. ``raise_flag`` is idempotent by the flag's unique key: the second call, or a concurrent one, finds the
flag there and returns ``None``, so the caller notifies only when it really flagged."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from config.sweeps import Ref

from .models import DeadlineFlag


def raise_flag(*, rule: str, kind: str, ref: Ref, due_on: date, flagged_on: date, programme_id: int | None = None,
               note: str = "") -> DeadlineFlag | None:
    """Flag ``ref`` for ``rule``/``kind`` once. Returns the new flag, or ``None`` when it was flagged before."""
    if DeadlineFlag.objects.filter(rule=rule, kind=kind, model=ref.model, pk_value=ref.pk).exists():
        return None
    try:
        with transaction.atomic():
            return DeadlineFlag.objects.create(rule=rule, kind=kind, model=ref.model, pk_value=ref.pk,
                                               label=ref.label[:300], due_on=due_on, flagged_on=flagged_on,
                                               programme_id=programme_id, note=note)
    except IntegrityError:  # another sweep flagged it at the same moment
        return None


def flags_for(model: str, pk: int) -> list[DeadlineFlag]:
    """The flags of one record, newest first (for its page)."""
    return list(DeadlineFlag.objects.filter(model=model, pk_value=pk))
