"""Demo users, one for every role, for the embedded demo (``manage.py load_demo``). Never used in production."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from config.access import ALL_ROLES, Role

DEMO_PASSWORD = "eel-demo-2026"

# (username, first name, last name, role or None for the superuser)
DEMO_USERS = [
    ("admin", "Ada", "Admin", None),
    ("studadmin", "Sara", "Smets", Role.STUDENT_ADMIN),
    ("advisor", "Amir", "Aerts", Role.ACADEMIC_ADVISOR),
    ("lecturer", "Lucas", "Leemans", Role.LECTURER),
    ("chair", "Charlotte", "Claes", Role.COMMITTEE_CHAIR),
    ("secretary", "Sofie", "Segers", Role.COMMITTEE_SECRETARY),
    ("member", "Milan", "Maes", Role.COMMITTEE_MEMBER),
    ("ombuds", "Olivia", "Op de Beeck", Role.OMBUDSPERSON),
    ("appeals", "Arne", "Appels", Role.APPEALS_SECRETARY),
    ("appealschair", "Anna", "Alen", Role.APPEALS_CHAIR),
    ("appealsmember", "Bram", "Bos", Role.APPEALS_MEMBER),
]


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}


@transaction.atomic
def ensure_demo_users() -> list[str]:
    groups = ensure_roles()
    User = get_user_model()
    names = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = role is None
        user.save()
        if role is not None:
            user.groups.set([groups[role]])
        names.append(username)
    return names
