"""The internal appeals committee (rules.md section 7: AP-5 .. AP-8; UH 19.1, 19.4): the pool with its terms, the
members excluded from an appeal, the hearings with their invitation and attendance, the motions put to the vote
with their ballots, the committee's decision with its letter, and the notice of a later decision date.

Who sits on an appeal is not stored: it is the pool on the day, less the exclusions (``appeals.rules.ap5_sitting``).
Exclusions and decisions are never deleted; the decision's new results and study-progress decision are written
by the examinations' own services (new versions; the old ones stay, superseded).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from examinations.models.results import AppendOnly

from .. import rules

__all__ = [
    "AppealBallot", "AppealDecision", "AppealExclusion", "AppealHearing", "AppealMotion", "AppealOutcome",
    "CouncilRouteWithoutDecision", "ExclusionGround", "HearingAttendance", "HearingStatus", "LaterDecisionNotice",
    "MotionStatus", "PoolMember", "PoolRole", "VoteChoice",
]


class PoolRole(models.TextChoices):
    CHAIR = rules.POOL_CHAIR, _("Chair (external legal expert)")
    MEMBER = rules.POOL_MEMBER, _("Voting member")
    SECRETARY = rules.POOL_SECRETARY, _("Secretary (no vote)")


class PoolMember(models.Model):
    """AP-5 (UH 19.1.1-2): a seat in the appeals committee's pool for a term (four years, renewable). ``born_on``
    decides who deputises for an absent chair (the oldest sitting member)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals_pool_seats")
    role = models.CharField(_("role"), max_length=12, choices=PoolRole.choices)
    since = models.DateField(_("term from"))
    until = models.DateField(_("term until"), null=True, blank=True)
    born_on = models.DateField(_("date of birth"), null=True, blank=True)
    external = models.BooleanField(_("external legal expert"), default=False)
    faculty = models.CharField(_("faculty or school"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name", "since"]
        constraints = [
            models.CheckConstraint(name="pool_member_until_after_since",
                                   condition=Q(until__isnull=True) | Q(until__gte=models.F("since"))),
            models.CheckConstraint(name="pool_member_role_known", condition=Q(role__in=PoolRole.values)),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def votes(self) -> bool:
        return self.role in rules.POOL_VOTING_ROLES

    def active_on(self, day) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def as_seat(self) -> rules.PoolSeat:
        return rules.PoolSeat(seat_id=self.pk, person_id=self.user_id, name=self.name, role=self.role,
                              since=self.since, until=self.until, external=self.external, born_on=self.born_on)


class ExclusionGround(models.TextChoices):
    EXAM_COMMITTEE = rules.EXAM_COMMITTEE, _("Sat on the examination committee of the contested decision")
    TIE = rules.TIE, _("Family or cohabitation tie with the student")
    OTHER = "other", _("Otherwise involved in the matter")


class AppealExclusion(AppendOnly):
    """AP-5 (UH 19.1.2): the chair excludes a member (or himself) from handling an appeal he is involved in. The
    excluded member does not sit, vote or see the appeal."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="committee_exclusions")
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="exclusions")
    ground = models.CharField(_("ground"), max_length=20, choices=ExclusionGround.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["appeal", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "member"], name="appeal_exclusion_once"),
            models.CheckConstraint(name="appeal_exclusion_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.appeal_id}: {self.member_id} excluded"


class HearingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    REPLANNED = "replanned", _("Replaced by a new planning")
    # AP-6 (UH 19.4.2): the invitation did not go out 24 hours before; the committee cannot hear the student then
    # and plans again (set by the sweep ``appeals.services.sweeps.refuse_late_invitations``).
    NOT_INVITED = "not_invited", _("Not duly invited in time: to be planned again")


class AppealHearing(models.Model):
    """AP-6 (UH 19.4.2): a session of the committee on an appeal, at which it hears the student (``hear_student``)
    or deliberates on the file. The student's invitation goes by e-mail at least 24 hours before; the record
    keeps who presided, who attended, whether the student appeared or was represented (with written authority
    unless by a lawyer), the quorum (AP-5) and the minutes."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="hearings")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    hear_student = models.BooleanField(_("the student is heard"), default=True)
    # The moment the invitation was put in the outbox (enrolment.outbox, key ``appeals.hearing.<id>.invitation``);
    # the moment it left is that notice's ``sent_at``, and that is what AP-6's 24 hours look at.
    invitation_sent_at = models.DateTimeField(_("invitation written at"), null=True, blank=True)
    invitation_to = models.EmailField(_("invitation sent to"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=HearingStatus.choices,
                              default=HearingStatus.PLANNED)
    student_present = models.BooleanField(_("the student appeared"), null=True)
    representative = models.CharField(_("assisted or represented by"), max_length=200, blank=True)
    representative_lawyer = models.BooleanField(_("the representative is a lawyer"), default=False)
    written_authority_on = models.DateField(_("written authority dated"), null=True, blank=True)
    presiding = models.ForeignKey(PoolMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    presiding_deputy = models.BooleanField(default=False)
    quorum = models.BooleanField(null=True)
    minutes = models.TextField(_("minutes"), blank=True)
    planned_at = models.DateTimeField(default=timezone.now)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["appeal", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal"], condition=Q(status="planned"),
                                    name="appeal_one_planned_hearing"),
            models.CheckConstraint(name="appeal_hearing_status_known", condition=Q(status__in=HearingStatus.values)),
            models.CheckConstraint(name="appeal_hearing_invited_when_heard",
                                   condition=Q(hear_student=False) | Q(invitation_sent_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def represented(self) -> bool:
        return bool(self.representative) and not self.student_present


class HearingAttendance(models.Model):
    hearing = models.ForeignKey(AppealHearing, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hearing", "member__role", "member__user__last_name"]
        constraints = [models.UniqueConstraint(fields=["hearing", "member"], name="appeal_attendance_once")]


class AppealOutcome(models.TextChoices):
    """AP-7 (UH 19.4.4): a rejection (inadmissible or unfounded) or a new study-progress decision."""

    INADMISSIBLE = rules.INADMISSIBLE_OUTCOME, _("Rejected: inadmissible")
    UNFOUNDED = rules.UNFOUNDED, _("Rejected: unfounded")
    NEW_DECISION = rules.NEW_DECISION, _("Upheld: a new study-progress decision")


class MotionStatus(models.TextChoices):
    OPEN = "open", _("Being voted on")
    CARRIED = "carried", _("Carried")
    REJECTED = "rejected", _("Rejected")


class AppealMotion(models.Model):
    """AP-7: an outcome put to the vote at a session with a quorum, with its reasons and, for a new decision, the
    new results (``result_changes``: ``[{"line", "exam_period", "unit", "period", "outcome", "grade", "before"}]``)
    or the decision in words. One motion is open at a time; the carried one becomes the decision."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="motions")
    hearing = models.ForeignKey(AppealHearing, on_delete=models.PROTECT, related_name="motions")
    outcome = models.CharField(_("outcome"), max_length=20, choices=AppealOutcome.choices)
    reasons = models.TextField(_("reasons"))
    new_decision_text = models.TextField(_("the new decision in words"), blank=True)
    result_changes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=MotionStatus.choices, default=MotionStatus.OPEN)
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    abstentions = models.PositiveSmallIntegerField(default=0)
    casting_vote = models.CharField(max_length=10, blank=True)
    by_casting_vote = models.BooleanField(default=False)
    put_at = models.DateTimeField(default=timezone.now)
    put_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["appeal", "put_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal"], condition=Q(status="open"), name="appeal_one_open_motion"),
            models.UniqueConstraint(fields=["appeal"], condition=Q(status="carried"),
                                    name="appeal_one_carried_motion"),
            models.CheckConstraint(name="appeal_motion_has_reasons", condition=~Q(reasons="")),
            models.CheckConstraint(name="appeal_motion_status_known", condition=Q(status__in=MotionStatus.values)),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.outcome} ({self.status})"


class VoteChoice(models.TextChoices):
    FOR = rules.VOTE_FOR, _("For")
    AGAINST = rules.VOTE_AGAINST, _("Against")
    ABSTAIN = rules.VOTE_ABSTAIN, _("Abstain")


class AppealBallot(models.Model):
    """A sitting voting member's vote on a motion (AP-7); changed until the vote is closed."""

    motion = models.ForeignKey(AppealMotion, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["motion", "member__role", "member__user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="appeal_ballot_once"),
            models.CheckConstraint(name="appeal_ballot_choice_known", condition=Q(choice__in=VoteChoice.values)),
        ]


class AppealDecision(models.Model):
    """AP-7 (UH 19.4.4-5): the committee's decision on an appeal, from the carried motion. A new study-progress
    decision writes the new result versions (``results``) and the new version of the contested decision
    (``new_progress_decision``, superseding ``superseded_decision``). The letter, by e-mail with its PDF, states
    the route to the Council for Disputes and its last day (AP-8)."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.PROTECT, related_name="committee_decision")
    motion = models.OneToOneField(AppealMotion, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=20, choices=AppealOutcome.choices)
    reasons = models.TextField(_("reasons"))
    new_decision_text = models.TextField(_("the new decision in words"), blank=True)
    decided_on = models.DateField(_("decided on"))
    results = models.ManyToManyField("examinations.Result", related_name="+", blank=True)
    superseded_decision = models.ForeignKey("examinations.StudyProgressDecision", on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")
    new_progress_decision = models.ForeignKey("examinations.StudyProgressDecision", on_delete=models.PROTECT,
                                              null=True, blank=True, related_name="+")
    # The moment the letter was put in the outbox (key ``appeals.appeal.<id>.decision_letter``).
    letter_sent_at = models.DateTimeField(_("letter written at"), null=True, blank=True)
    letter_to = models.EmailField(_("letter sent to"), blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    council_by = models.DateField(_("last day to appeal to the Council"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "appeal"]
        constraints = [
            models.CheckConstraint(name="appeal_decision_has_reasons", condition=~Q(reasons="")),
            models.CheckConstraint(name="appeal_decision_notified_with_deadline",
                                   condition=Q(notified_on__isnull=True) | Q(council_by__isnull=False)),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.outcome} {self.decided_on}"


class LaterDecisionNotice(AppendOnly):
    """AP-8 (UH 19.4.7): before its decision period expires the committee informs the student by e-mail of the
    later date on which it will decide; the Council's seven days then run from the day after that date."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.PROTECT, related_name="later_decision_notice")
    notified_on = models.DateField(_("notified on"))
    decision_date = models.DateField(_("the committee will decide by"))
    reason = models.TextField(_("reason"), blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    def __str__(self):
        return f"{self.appeal_id} later date {self.decision_date}"


class CouncilRouteWithoutDecision(AppendOnly):
    """AP-8 (UH 19.4.7-8): the decision period expired without a decision notified to the student, so the student
    may appeal to the Council for Disputes within seven days (30 for an equivalence decision) from the day after
    ``expired_on`` (the 20-day date, or the later date announced in time), until ``council_by``. Recorded once per
    appeal by the sweep ``appeals.services.sweeps.flag_decision_deadlines``; never edited."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.PROTECT,
                                  related_name="council_route_without_decision")
    expired_on = models.DateField(_("decision period expired on"))
    later_date_counted = models.BooleanField(_("a later decision date was announced in time"), default=False)
    council_by = models.DateField(_("last day to appeal to the Council"))
    recorded_on = models.DateField(_("recorded on"))
    student_notified = models.BooleanField(_("the student was told of the route"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-expired_on", "appeal"]
        constraints = [
            models.CheckConstraint(name="council_route_after_expiry",
                                   condition=Q(council_by__gt=models.F("expired_on"))),
        ]

    def __str__(self):
        return f"{self.appeal_id} Council until {self.council_by}"
