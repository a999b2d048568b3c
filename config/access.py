"""Roles and the one way every page states who may use it.

A role is a Django group. Views declare their roles with :func:`role_required` (function views) or
:class:`RoleRequiredMixin` (class views); both answer 302 to the log-in page for anonymous users and 403
for signed-in users without the role. Superusers pass everywhere.
"""

from fnmatch import fnmatchcase
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Role:
    STUDENT_ADMIN = "student_administration"
    ACADEMIC_ADVISOR = "academic_advisor"
    LECTURER = "lecturer"
    COMMITTEE_CHAIR = "committee_chair"
    COMMITTEE_SECRETARY = "committee_secretary"
    COMMITTEE_MEMBER = "committee_member"
    OMBUDSPERSON = "ombudsperson"
    APPEALS_SECRETARY = "appeals_secretary"
    APPEALS_CHAIR = "appeals_chair"
    APPEALS_MEMBER = "appeals_member"


ROLE_LABELS = {
    Role.STUDENT_ADMIN: _("Student administration"),
    Role.ACADEMIC_ADVISOR: _("Academic advisor"),
    Role.LECTURER: _("Lecturer"),
    Role.COMMITTEE_CHAIR: _("Examination committee chair"),
    Role.COMMITTEE_SECRETARY: _("Examination committee secretary"),
    Role.COMMITTEE_MEMBER: _("Examination committee member"),
    Role.OMBUDSPERSON: _("Ombudsperson"),
    Role.APPEALS_SECRETARY: _("Appeals committee secretary"),
    Role.APPEALS_CHAIR: _("Appeals committee chair"),
    Role.APPEALS_MEMBER: _("Appeals committee member"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Who may read and who may change the student administration's records.
STUDENT_RECORDS_READ = (Role.STUDENT_ADMIN, Role.ACADEMIC_ADVISOR)
STUDENT_RECORDS_WRITE = (Role.STUDENT_ADMIN,)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_eel_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._eel_roles = cached
    return cached


def has_role(user, roles) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & set(roles))


def no_access(roles) -> PermissionDenied:
    """The 403 of a page, saying who may use it (shown by templates/403.html)."""
    names = ", ".join(str(ROLE_LABELS[r]) for r in roles if r in ROLE_LABELS)
    if not names:
        return PermissionDenied(gettext("This page is for superusers only."))
    return PermissionDenied(ngettext("This page is for the role %(roles)s.", "This page is for the roles %(roles)s.",
                                     len(roles)) % {"roles": names})


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise no_access(roles)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, self.allowed_roles):
            raise no_access(self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)


# The examinations' and appeals' menu entries: (URL name, label). Who sees an entry is read from the view's own
# declaration (``allowed_roles``), so the menu never offers a page that would answer 403.
EXAMINATION_MENU = (
    ("examinations:results_units", _("Results")),
    ("examinations:committee_list", _("Committees")),
    ("examinations:irregularity_list", _("Irregularities")),
    ("appeals:appeal_list", _("Appeals")),
    ("appeals:committee_appeals", _("Appeals committee")),
    ("appeals:ombuds_workspace", _("Ombudsperson")),
    ("appeals:ombuds_assignments", _("Ombudspersons")),
    ("enrolment:outbox", _("Outbox")),
    ("enrolment:deadlines", _("Deadlines")),
    ("students:audit", _("Audit trail")),
)


# Which menu entry a page belongs to: (URL-name pattern, the entry's URL name), the first matching pattern wins, so
# a narrower pattern stands before a wider one. A page in no section (the dashboard, the admin) lights no entry.
MENU_SECTIONS = (
    ("students:audit", "students:audit"),
    ("students:*", "students:list"),
    ("enrolment:deadline*", "enrolment:deadlines"),
    ("enrolment:outbox*", "enrolment:outbox"),
    ("enrolment:*", "students:list"),  # enrolling a student and changing a contract are part of the student's file
    # A student's results (and the registrations made there) are a page of the student's file, as its breadcrumb says.
    ("examinations:results_student", "students:list"),
    ("examinations:results_second_opportunity", "students:list"),
    ("examinations:results_retake", "students:list"),
    ("examinations:results_*", "examinations:results_units"),
    ("examinations:material_error*", "examinations:results_units"),
    ("examinations:irregularity_*", "examinations:irregularity_list"),
    ("examinations:*", "examinations:committee_list"),  # committees, members, ties, meetings and their decisions
    ("appeals:committee_*", "appeals:committee_appeals"),
    ("appeals:ombuds_assignment*", "appeals:ombuds_assignments"),
    ("appeals:ombuds_view_log", "appeals:ombuds_assignments"),  # the student administration's oversight
    ("appeals:ombuds_file_views", "appeals:ombuds_assignments"),
    ("appeals:ombuds_*", "appeals:ombuds_workspace"),
    ("appeals:*", "appeals:appeal_list"),
)


def menu_section(view_name: str | None) -> str | None:
    """The URL name of the menu entry whose section the page ``view_name`` is in, or None."""
    if view_name:
        for pattern, entry in MENU_SECTIONS:
            if fnmatchcase(view_name, pattern):
                return entry
    return None


def _view_roles(url_name: str) -> tuple[str, ...]:
    from django.urls import resolve, reverse

    func = resolve(reverse(url_name)).func
    view_class = getattr(func, "view_class", None)
    return tuple(getattr(view_class, "allowed_roles", None) or getattr(func, "allowed_roles", ()))


def roles_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_read_students": False, "can_write_students": False, "my_roles": [], "exam_menu": [],
                "active_menu": None}
    match = getattr(request, "resolver_match", None)
    return {
        "active_menu": menu_section(match.view_name if match else None),
        "can_read_students": has_role(user, STUDENT_RECORDS_READ),
        "can_write_students": has_role(user, STUDENT_RECORDS_WRITE),
        "my_roles": [ROLE_LABELS[r] for r in sorted(user_roles(user)) if r in ROLE_LABELS],
        "exam_menu": [(name, label) for name, label in EXAMINATION_MENU if has_role(user, _view_roles(name))],
    }
