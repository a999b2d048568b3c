"""Write actions of the student administration, each in two steps: fill in -> preview -> confirm.

The preview shows what the rules say (the check findings) and what the learning account will get (the movements
and the balance before and after), without saving anything. Confirming calls the one service of the action;
when it refuses (:class:`EnrolmentRefused`), its message becomes a form error and nothing is saved. A blocking
finding that allows an exception offers a form to record the decision, after which the preview is shown again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views import View

from config.access import ROLE_LABELS, STUDENT_RECORDS_WRITE, RoleRequiredMixin
from students import labels
from students.models import MovementKind
from students.queries import movement_labels
from students.rules import movement_order

from . import queries, services
from .forms import (
    AddUnitForm,
    ChangeProgrammeForm,
    EnrolForm,
    ExceptionDecisionForm,
    RemoveUnitForm,
    WithdrawForm,
)
from .models import ContractKind, DeregistrationReason, Programme
from .services import EnrolmentRefused

KIND_LABELS = dict(MovementKind.choices)


def roles_text(roles) -> str:
    return ", ".join(str(ROLE_LABELS[r]) for r in roles)


def movement_rows(movements, known: labels.Labels = labels.NO_LABELS) -> list[dict]:
    """Movements a preview will write (``students.rules.NewMovement``), ready for the table, each with its label
    in words (``students.labels``) as the statement will show it."""
    return [
        {"on": m.on, "kind": KIND_LABELS.get(m.kind, m.kind), "credits": m.credits, "year": m.year or "",
         "unit": m.unit or "", "article": m.article, "note": m.note,
         "label": labels.describe(m.kind, m.cause, m.note, m.article, m.unit, None, known)}
        for m in sorted(movements, key=movement_order)
    ]


def initial_from(form: forms.Form, data) -> dict:
    """The values of a submitted form as ``initial`` for an unbound copy: re-shown without error messages
    (after "Show course units", "Search" or "Change")."""
    initial = {}
    for name, field in form.fields.items():
        raw = field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        try:
            initial[name] = field.clean(raw)
        except ValidationError:
            initial[name] = raw
    return initial


class TwoStepAction(RoleRequiredMixin, View):
    """Fill in (GET) -> preview (POST step=preview) -> confirm (POST step=confirm).

    POST step=refresh re-shows the filled-in form (a changed programme, a search); step=exception records an
    exception decision and previews again. Subclasses load their subject, build the form, preview and commit.
    """

    allowed_roles = STUDENT_RECORDS_WRITE
    form_class: type[forms.Form]
    template_name = "enrolment/action_form.html"
    preview_template_name = "enrolment/action_preview.html"
    title = ""

    # ---- hooks ----
    def load(self, **kwargs):
        """Set self.student (and the contract or line) from the URL."""
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {}

    def preview(self, form) -> dict:
        """{findings, movements, balance_on, balance_before, balance_after, allowed, credits?, notes?}"""
        raise NotImplementedError

    def commit(self, form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def check(self) -> None:
        """Raise :class:`EnrolmentRefused` when the subject itself refuses the action (a deregistered contract, a
        removed unit, a unit with a result): the service's guard without the form's input, so that the form says
        so before anything is filled in. The preview runs the whole guard."""

    def exception_year(self, form):
        return None

    def new_contract(self, form) -> labels.ContractLabel | None:
        """The contract the action is about to write (enrolment, change of programme), for the movements' labels."""
        return None

    def extra_context(self, form) -> dict:
        return {}

    # ---- flow ----
    def make_form(self, data=None, initial=None):
        return self.form_class(data, initial=initial, **self.form_kwargs())

    def get(self, request, **kwargs):
        self.load(**kwargs)
        try:
            self.check()
        except EnrolmentRefused as refused:
            self.refusal = str(refused)
        return self.render_form(self.make_form())

    def post(self, request, **kwargs):
        self.load(**kwargs)
        step = request.POST.get("step", "preview")
        form = self.make_form(request.POST)
        if step == "refresh":
            return self.render_form(self.make_form(initial=initial_from(form, request.POST)))
        if not form.is_valid():
            return self.render_form(form)
        if step == "confirm":
            try:
                message = self.commit(form)
            except (EnrolmentRefused, ValueError, ValidationError) as refused:
                form.add_error(None, refusal_text(refused))
                return self.render_form(form)
            messages.success(request, message)
            return redirect(self.success_url())
        exception_form = None
        if step == "exception":
            exception_form = ExceptionDecisionForm(request.POST)
            if exception_form.is_valid():
                d = exception_form.cleaned_data
                try:
                    services.record_exception(
                        self.student, self.exception_year(form), d["rule"], d["decided_by"], d["decided_on"],
                        d["reference"], d["reason"], d.get("max_credits"), by=request.user,
                    )
                except EnrolmentRefused as refused:
                    exception_form.add_error(None, str(refused))
                else:
                    messages.success(request, _("The exception decision is recorded (%(rule)s, %(reference)s).")
                                     % {"rule": d["rule"], "reference": d["reference"]})
                    exception_form = None
        try:
            preview = self.preview(form)
        except (EnrolmentRefused, ValueError, ValidationError) as refused:
            form.add_error(None, refusal_text(refused))
            return self.render_form(form)
        return self.render_preview(form, preview, exception_form)

    def success_url(self) -> str:
        return reverse("students:detail", args=[self.student.number])

    def base_context(self, form) -> dict:
        return {"form": form, "student": self.student, "title": self.title,
                "page_roles": roles_text(self.allowed_roles), "cancel_url": self.success_url(),
                "refusal": getattr(self, "refusal", None), **self.extra_context(form)}

    def render_form(self, form):
        return render(self.request, self.template_name, self.base_context(form))

    def render_preview(self, form, preview: dict, exception_form=None):
        findings = list(preview.get("findings", ()))
        exception_forms = []
        for finding in findings:
            if finding.blocking and finding.exception_allowed:
                bound = exception_form if exception_form is not None and \
                    exception_form.data.get("exc-rule") == finding.rule else None
                exception_forms.append((finding, bound or ExceptionDecisionForm(
                    initial={"rule": finding.rule, "max_credits": preview.get("credits") or None})))
        context = self.base_context(form)
        context.update({
            "findings": findings,
            "movements": movement_rows(preview["movements"], self.movement_labels(form, preview["movements"])),
            "balance_on": preview["balance_on"],
            "balance_before": preview["balance_before"],
            "balance_after": preview["balance_after"],
            "allowed": preview.get("allowed", True),
            "notes": preview.get("notes", []),
            "exception_forms": exception_forms,
            "summary": summary_of(form),
        })
        return render(self.request, self.preview_template_name, context)

    def movement_labels(self, form, movements) -> labels.Labels:
        """What the labels of the preview's movements need: the student's contracts (1 query) and the new one."""
        if not movements:
            return labels.NO_LABELS
        new = self.new_contract(form)
        return movement_labels(self.student.pk, extra={"new": new} if new else None)


def summary_of(form) -> list[tuple[str, str]]:
    """(label, value) of what was filled in, for the preview."""
    rows = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) or name == "unit_search":
            continue
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        rows.append((field.label, display(value)))
    return rows


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str | Promise):  # a choice's label is a lazy translation, not a list of letters
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return ", ".join(getattr(v, "code", str(v)) for v in value)
    return str(value)


def refusal_text(refused: Exception) -> str:
    if isinstance(refused, ValidationError):
        return " ".join(refused.messages)
    return str(refused)


def preview_dict(preview: services.Preview, on) -> dict:
    return {"findings": preview.outcome.findings, "movements": preview.movements, "balance_on": on,
            "balance_before": preview.balance_before, "balance_after": preview.balance_after,
            "allowed": preview.allowed, "credits": preview.credits}


class UnitTableMixin:
    """The checkbox table of course units (take / exempted), grouped by stage, for enrolment and change."""

    template_name = "enrolment/units_form.html"

    def table_context(self, form, programme, searchable: bool) -> dict:
        data = form.data if form.is_bound else None
        if data is not None:
            programme = programme_from(data.get("programme")) or programme
            selected = ids(data.getlist("units"))
            exempted = ids(data.getlist("exempted"))
            search = data.get("unit_search", "") if searchable else ""
        else:
            selected = ids(form.initial.get("units") or [])
            exempted = ids(form.initial.get("exempted") or [])
            search = (form.initial.get("unit_search") or "") if searchable else ""
        return {
            "programme": programme,
            **queries.unit_table(programme, search, selected),
            "searchable": searchable,
            "unit_search": search,
            "selected_units": selected,
            "exempted_units": exempted,
        }


def ids(values) -> set[int]:
    out = set()
    for v in values:
        pk = getattr(v, "pk", v)
        try:
            out.add(int(pk))
        except (TypeError, ValueError):
            continue
    return out


def programme_from(value):
    if isinstance(value, Programme):
        return value
    try:
        return Programme.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------- actions ----
class EnrolView(UnitTableMixin, TwoStepAction):
    """enrolment:enrol - a new study contract with its study programme (student administration)."""

    form_class = EnrolForm

    @property
    def title(self):
        return _("Enrol")

    def load(self, number):
        from students.queries import get_student

        self.student = get_student(number)

    def make_form(self, data=None, initial=None):
        if data is None and initial is None:
            from students.queries import current_academic_year

            initial = {"academic_year": current_academic_year(timezone.localdate())}
            if "programme" in self.request.GET:
                initial["programme"] = programme_from(self.request.GET["programme"])
        return super().make_form(data, initial)

    def extra_context(self, form):
        if form.is_bound:
            kind = form.data.get("kind")
        else:
            kind = form.initial.get("kind") or form.fields["kind"].initial
        programme = form.initial.get("programme") if not form.is_bound else None
        return self.table_context(form, programme_from(programme), kind in (ContractKind.CREDIT, ContractKind.EXAM))

    def preview(self, form):
        d = form.cleaned_data
        result = services.preview_enrolment(self.student, d["programme"], d["academic_year"], d["kind"],
                                            d["enrolled_on"], form.unit_ids(), form.exempted_ids())
        return preview_dict(result, d["enrolled_on"])

    def exception_year(self, form):
        return form.cleaned_data["academic_year"]

    def new_contract(self, form):
        return labels.ContractLabel(form.cleaned_data["programme"].code, form.cleaned_data["kind"])

    def commit(self, form):
        d = form.cleaned_data
        contract = services.enrol(self.student, d["programme"], d["academic_year"], d["kind"], d["enrolled_on"],
                                  form.unit_ids(), form.exempted_ids(), by=self.request.user)
        return _("%(student)s is enrolled: %(programme)s, %(year)s, %(kind)s, %(n)d course units.") % {
            "student": self.student.full_name, "programme": contract.programme.code,
            "year": contract.academic_year.code, "kind": contract.get_kind_display().lower(),
            "n": len(form.unit_ids())}


class ContractAction(TwoStepAction):
    def load(self, pk):
        self.contract = queries.contract_for_action(pk)
        self.student = self.contract.student

    def form_kwargs(self):
        return {"contract": self.contract}

    def check(self):
        services.check_deregistration(self.contract)

    def exception_year(self, form):
        return self.contract.academic_year

    def extra_context(self, form):
        return {"contract": self.contract}


class AddUnitView(ContractAction):
    """enrolment:add_unit - a course unit added to a contract during the year (LA-3)."""

    form_class = AddUnitForm

    @property
    def title(self):
        return _("Add a course unit")

    def form_kwargs(self):
        return {"contract": self.contract, "units": queries.addable_units(self.contract)}

    def check(self):
        services.check_addition(self.contract)

    def preview(self, form):
        d = form.cleaned_data
        return preview_dict(services.preview_addition(self.contract, d["unit"], d["added_on"], d["exempted"]),
                            d["added_on"])

    def commit(self, form):
        d = form.cleaned_data
        line = services.add_unit(self.contract, d["unit"], d["added_on"], d["exempted"], by=self.request.user)
        return _("%(unit)s is added to the study programme.") % {"unit": line.course_unit.code}


class RemoveUnitView(TwoStepAction):
    """enrolment:remove_unit - a course unit removed at the student's request (UH 3.4, refund LA-6)."""

    form_class = RemoveUnitForm
    template_name = "enrolment/remove_form.html"

    @property
    def title(self):
        return _("Remove a course unit")

    def load(self, pk):
        self.line = queries.line_for_removal(pk)
        self.contract = self.line.contract
        self.student = self.contract.student

    def check(self):
        services.check_removal(self.line)

    def extra_context(self, form):
        return {"contract": self.contract, "line": self.line, "cutoff": queries.refund_cutoff(self.line)}

    def preview(self, form):
        on = form.cleaned_data["requested_on"]
        result = preview_dict(services.preview_removal(self.line, on, today=timezone.localdate()), on)
        refunds = [m for m in result["movements"] if m.credits > 0]
        if refunds:
            result["notes"] = [("success", _("Refund: %(credits)+d credits come back to the learning account (LA-6).")
                                % {"credits": sum(m.credits for m in refunds)})]
        elif self.contract.kind == ContractKind.CREDIT:
            result["notes"] = [("warning", _("No refund: removing a unit of a credit contract never gives credits "
                                             "back (LA-9)."))]
        elif self.line.exempted:
            result["notes"] = [("info", _("No refund: the unit is exempted and used no credits."))]
        else:
            cutoff = queries.refund_cutoff(self.line).get("first_day_without")
            text = _("No refund: the cut-off has passed (LA-6).")
            if cutoff:
                text += " " + _("Requests dated from %(date)s on give no credits back.") % {"date": cutoff.isoformat()}
            result["notes"] = [("warning", text)]
        return result

    def commit(self, form):
        services.remove_unit(self.line, form.cleaned_data["requested_on"], by=self.request.user,
                             today=timezone.localdate())
        return _("%(unit)s is removed from the study programme.") % {"unit": self.line.course_unit.code}


class WithdrawView(ContractAction):
    """enrolment:withdraw - deregistration from the whole programme (UH 8.1, refunds LA-7)."""

    form_class = WithdrawForm

    @property
    def title(self):
        return _("Withdraw from the programme")

    def form_kwargs(self):
        return {}

    def preview(self, form):
        on = form.cleaned_data["on"]
        result = preview_dict(services.preview_deregistration(self.contract, on, DeregistrationReason.WITHDRAWAL,
                                                              today=timezone.localdate()), on)
        refunded = sum(m.credits for m in result["movements"] if m.credits > 0)
        if refunded:
            result["notes"] = [("success", _("Refund: %(credits)+d credits come back to the learning account (LA-7).")
                                % {"credits": refunded})]
        else:
            result["notes"] = [("warning", _("No refund: no unit's credits come back on this date (LA-7)."))]
        return result

    def commit(self, form):
        services.withdraw(self.contract, form.cleaned_data["on"], by=self.request.user, today=timezone.localdate())
        return _("The contract for %(programme)s is deregistered.") % {"programme": self.contract.programme.code}


class ChangeProgrammeView(UnitTableMixin, ContractAction):
    """enrolment:change_programme - end this contract and start a diploma contract elsewhere (UH 3.6)."""

    form_class = ChangeProgrammeForm

    @property
    def title(self):
        return _("Change of programme")

    def extra_context(self, form):
        programme = None if form.is_bound else form.initial.get("programme")
        return {"contract": self.contract, **self.table_context(form, programme_from(programme), False)}

    def preview(self, form):
        d = form.cleaned_data
        result = services.preview_programme_change(self.contract, d["programme"], d["on"], form.unit_ids(),
                                                  form.exempted_ids(), today=timezone.localdate())
        return preview_dict(result, d["on"])

    def new_contract(self, form):
        return labels.ContractLabel(form.cleaned_data["programme"].code, ContractKind.DIPLOMA)

    def commit(self, form):
        d = form.cleaned_data
        new = services.change_programme(self.contract, d["programme"], d["on"], form.unit_ids(), form.exempted_ids(),
                                        by=self.request.user, today=timezone.localdate())
        return _("The student moved from %(old)s to %(new)s.") % {"old": self.contract.programme.code,
                                                                  "new": new.programme.code}
