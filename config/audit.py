"""The audit trail: who changed what, when and why (issue 6, point 1), on top of django-simple-history.

Every tracked model carries ``history = HistoricalRecords()``: each save or delete writes a row into the
model's history table with the user, the time, the type (+ created, ~ changed, - deleted) and the reason.

*Who*: in a web request simple-history's ``HistoryRequestMiddleware`` gives the logged-in user. Services also
run inside ``audited(by=..., reason=...)``, which fills the user when there is no request (commands, Celery
tasks, sweeps) and always gives the reason: a change without a reason is allowed but shows as "-".

*Why*: ``audited(reason=...)`` puts the reason on every history row written inside the block that has none of
its own (``instance._change_reason`` set before ``save()`` still wins). Blocks nest: the outermost block names
the step the user took, an inner one only fills what it left empty. Sweeps have no user: their reason names the
sweep and the rule.

``history_entries()`` builds a record page's History panel from a fixed list of history querysets: one query
each (the users come with a join), the differences computed in memory against the previous row of the same
object (simple-history's ``diff_against``), so the number of queries does not grow with the history.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

_current: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("audit_context", default=None)
_bulk_without_rows: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_bulk_without_rows", default=False)

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _user(by):
    return by if getattr(by, "pk", None) is not None and hasattr(by, "is_authenticated") else None


@contextmanager
def audited(by=None, reason: str = ""):
    """Record ``by`` (a user or None) and ``reason`` on every history row written inside the block.

    The outermost block names the step the user took (an enrolment that also syncs the ledger records the
    movements as "Enrolment"), so an inner block only fills what the outer one left empty."""
    by = _user(by)
    outer = _current.get()
    if outer is not None:
        by = outer[0] if outer[0] is not None else by
        reason = outer[1] or reason
    token = _current.set((by, str(reason or "")))
    try:
        yield
    finally:
        _current.reset(token)


def current():
    """(user, reason) of the innermost ``audited`` block, or (None, "")."""
    return _current.get() or (None, "")


def audit_step(what: str, reason: str | None = None, by: str = "by"):
    """Run the decorated service inside ``audited``: the user is its argument ``by`` (or the one named), the
    reason is ``what`` (formatted with the service's arguments, e.g. ``"Moved to {target}"``), followed by the
    argument named ``reason`` when it is given (the staff's own words)."""

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind_partial(*args, **kwargs)
            bound.apply_defaults()
            values = bound.arguments
            try:
                text = what.format_map(values)
            except (KeyError, IndexError, ValueError):
                text = what
            extra = values.get(reason) if reason else None
            if extra:
                text = f"{text}: {extra}"
            with audited(by=values.get(by), reason=text):
                return fn(*args, **kwargs)

        return wrapper

    return decorate


def one_event() -> bool:
    """Inside :func:`recorded_as_one_event`: bulk paths may skip history rows (and use COPY)."""
    return _bulk_without_rows.get()


@contextmanager
def recorded_as_one_event():
    """Inside the block ``bulk_create`` writes no history row per object: the caller records the whole load as
    one ``students.AuditEvent`` (the dataset import: 60,000 students, their contracts, lines and movements would
    double the load's time and size). Single saves inside the block still write their history row."""
    token = _bulk_without_rows.set(True)
    try:
        yield
    finally:
        _bulk_without_rows.reset(token)


def bulk_create(model, objs, batch_size=None, reason: str = "", by=None):
    """``bulk_create`` with one history row per object (simple-history's ``bulk_create_with_history``), user and
    reason from the ``audited`` block around it unless given. Not for ``ignore_conflicts``."""
    from simple_history.utils import bulk_create_with_history

    if _bulk_without_rows.get():
        return model._default_manager.bulk_create(list(objs), batch_size=batch_size)

    ctx_by, ctx_reason = current()
    return bulk_create_with_history(list(objs), model, batch_size=batch_size,
                                    default_user=_user(by) or ctx_by, default_change_reason=reason or ctx_reason)


@receiver(pre_create_historical_record)
def _fill_from_context(sender, history_instance, **kwargs):
    by, reason = current()
    if history_instance.history_user_id is None and by is not None:
        history_instance.history_user = by
    if not history_instance.history_change_reason and reason:
        history_instance.history_change_reason = reason


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: object
    action: str
    record: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    history_type: str = "~"
    first: bool = False  # a change with no earlier row to compare with (the record was loaded in bulk)


def _show(model, field_name, value):
    if value is None or value == "":
        return "–"
    try:
        f = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field of the history model only
        return str(value)
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _label(model, field_name):
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except Exception:  # noqa: BLE001
        return field_name


# Columns that change with every save and say nothing by themselves.
NOISE = {"updated_at", "created_at"}


def history_entries(sources, limit: int = 100) -> list[Entry]:
    """The History panel of a record page, newest first.

    ``sources`` lists ``(label, historical queryset)``; ``label`` names the kind of record ("Contract") and
    each row shows as "<label> <str of the row>" when more than one record is listed. One query per source.
    """
    entries: list[Entry] = []
    for label, qs in sources:
        rows = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        model = qs.model.instance_type
        pk = model._meta.pk.attname
        previous: dict = {}
        for row in rows:
            key = getattr(row, pk)
            before = previous.get(key)
            changes = []
            if before is not None and row.history_type == "~":
                delta = row.diff_against(before)
                for c in delta.changes:
                    if c.field in NOISE:
                        continue
                    changes.append(Change(_label(model, c.field), _show(model, c.field, c.old),
                                          _show(model, c.field, c.new)))
            previous[key] = row
            entries.append(Entry(
                when=row.history_date, who=row.history_user, action=ACTIONS.get(row.history_type, ""),
                record=f"{label} #{key}", reason=row.history_change_reason or "", changes=changes,
                history_type=row.history_type, first=before is None,
            ))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
