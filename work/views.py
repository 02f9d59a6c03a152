"""Officers' pages: my work, updating an action, the quarterly return, audit history.

Views only parse, call a service, message and redirect. Access: objects outside the
user's councils answer 404 (``visible_to``), forbidden writes 403 (``editable_by``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from actions.models import CLOSED_STATUSES, Action, ActionUpdate
from actions.services import ActionConflict, record_update
from core.periods import FinancialYear, Quarter, last_ended_quarter
from core.rag import Rag
from core.units import Unit
from dashboard.collection import quarter_status
from dashboard.generic import CSRF_MARK, readable_council_or_404, with_request_token
from dashboard.views import dashboard_url, latest_quarter
from kpis import return_sheet
from kpis.models import KPI, Frequency, KpiValue, NotPublished
from kpis.schemes import rag_scheme
from kpis.services import (
    CellConflict,
    ReturnConflict,
    ReturnEntry,
    ReturnInvalid,
    ReturnRow,
    return_rows,
    review_return,
    submit_return,
)
from plans.audit import audit_trail
from plans.models import Council, Membership, Role
from work.forms import ActionUpdateForm

#: How many ended quarters My work looks back over for returns still missing values.
RETURNS_LOOKBACK = 4


def _open_actions(user: Any) -> QuerySet[Action]:
    """The open actions assigned to the user, in the councils they may see."""
    return (
        Action.objects.visible_to(user)
        .filter(assigned_users=user)
        .exclude(status__in=CLOSED_STATUSES)
    )


def _quarterly_kpis(user: Any) -> QuerySet[KPI]:
    """The quarterly measures whose values the user enters."""
    return KPI.objects.visible_to(user).filter(owner_user=user, frequency=Frequency.QUARTERLY)


@login_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: to the person's work, their one council, or their councils.

    Officers (and administrators with actions or measures of their own) go to My work; a
    member of one council to its latest dashboard; anyone else to "Your councils".
    """
    user = request.user
    is_officer = Membership.objects.filter(user=user, role=Role.OFFICER).exists()
    if is_officer or _open_actions(user).exists() or _quarterly_kpis(user).exists():
        return redirect("my-work")
    councils = list(Council.objects.visible_to(user)[:2])
    if len(councils) == 1:
        return redirect(dashboard_url(councils[0], latest_quarter(councils[0])))
    return redirect("home")


@dataclass
class OpenReturn:
    """A quarterly return the officer has yet to complete, or the one just due."""

    quarter: Quarter
    url: str
    expected: list[KPI]
    missing: list[KPI]
    just_ended: bool


@dataclass
class CouncilReturns:
    """One council's open returns for the officer, and every quarter they may pick."""

    council: Council
    returns: list[OpenReturn]
    choices: list[Quarter]
    error: str = ""


def _plan_quarters(kpi: KPI) -> list[Quarter] | None:
    """The quarters of the measure's plan, or None for a measure outside any plan."""
    if kpi.plan is None:
        return None
    return Quarter.span(
        FinancialYear(kpi.plan.start_year).quarter(1), FinancialYear(kpi.plan.end_year).quarter(4)
    )


def _council_returns(
    kpis: list[KPI], entered: set[tuple[int, Quarter]], due: Quarter
) -> list[CouncilReturns]:
    """Group the officer's measures by council into the returns still open.

    The quarter just ended is always offered; each of the quarters before it (back to
    RETURNS_LOOKBACK ended quarters) while a measure still lacks its value there. A measure
    in a plan is only asked for within the plan's years. The choice of quarters covers the
    measures' plans and the lookback, up to the quarter just ended, newest first.
    """
    window = [due, *due.previous_n(RETURNS_LOOKBACK - 1)]
    groups: dict[int, tuple[Council, list[KPI]]] = {}
    for kpi in kpis:
        groups.setdefault(kpi.council_id, (kpi.council, []))[1].append(kpi)
    result = []
    for council, measures in groups.values():
        spans = {kpi.pk: _plan_quarters(kpi) for kpi in measures}
        returns = []
        for quarter in window:
            expected = [k for k in measures if spans[k.pk] is None or quarter in spans[k.pk]]
            missing = [k for k in expected if (k.pk, quarter) not in entered]
            if quarter == due or missing:
                returns.append(
                    OpenReturn(
                        quarter,
                        _return_url(council, quarter),
                        expected,
                        missing,
                        just_ended=quarter == due,
                    )
                )
        choices = set(window)
        for quarters in spans.values():
            choices.update(q for q in quarters or () if q <= due)
        result.append(CouncilReturns(council, returns, sorted(choices, reverse=True)))
    return result


@login_required
@require_safe
def my_work(request: HttpRequest) -> HttpResponse:
    """The officer's own actions (overdue first, then due soonest) and their open returns.

    ``?council=<slug>&quarter=2020-21/q3`` (the quarter picker) opens that return.
    """
    user = request.user
    today = timezone.localdate()
    picked = request.GET.get("council")
    if picked is None:
        # The same page until the user's councils' data or their memberships change.
        body = cache.get_or_set(
            _my_work_cache_key(user, today),
            lambda: _my_work_body(request, _my_work_context(user, today)),
        )
        return _my_work_page(request, body, [])
    context = _my_work_context(user, today)
    councils = context["kpi_groups"]
    group = next((g for g in councils if g.council.slug == picked), None)
    try:
        quarter = Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        quarter = None
    if group is not None and quarter is not None:
        return redirect(_return_url(group.council, quarter))
    if group is not None:
        group.error = "Choose a quarter from the list"
    else:
        messages.error(request, "Choose a council whose measures you enter.")
    problems = [g for g in councils if g.error]
    body = _my_work_body(request, context)
    return _my_work_page(request, body, problems)


def _my_work_page(request: HttpRequest, body: str, problems: list) -> HttpResponse:
    # The body was rendered (and escaped) by the template engine.
    context = {"body": mark_safe(body), "problems": problems}  # noqa: S308
    return render(request, "work/my_work.html", context)


def _my_work_cache_key(user: Any, today: Any) -> str:
    """The key of the user's My work: the data version of each council they belong to (a
    superuser: of every council) and their roles there, in one query, and the day."""
    if user.is_superuser:
        versions = Council.objects.aggregate(latest=Max("data_version"), councils=Count("pk"))
        state = f"all:{versions['latest']}:{versions['councils']}"
    else:
        rows = (
            Membership.objects.filter(user=user)
            .order_by("council_id")
            .values_list("council_id", "role", "council__data_version")
        )
        state = ",".join(f"{c}.{r}.{v}" for c, r, v in rows)
    digest = hashlib.sha256(state.encode()).hexdigest()[:32]
    return f"my-work:{user.pk}:{today.isoformat()}:{digest}"


def _my_work_body(request: HttpRequest, context: dict[str, Any]) -> str:
    return render_to_string("work/my_work_body.html", context, request=request)


def _my_work_context(user: Any, today: Any) -> dict[str, Any]:
    """My work's actions and returns."""
    due = last_ended_quarter(today)
    actions = (
        _open_actions(user)
        .select_related("plan__council", "theme")
        .annotate(
            overdue_rank=Case(
                When(due_date__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue_rank", F("due_date").asc(nulls_last=True), "pk")
    )
    kpis = list(
        _quarterly_kpis(user)
        .select_related("council", "plan")
        .order_by("council__name", "code", "name")
    )
    first = due.previous_n(RETURNS_LOOKBACK - 1)[-1]
    entered = {
        (kpi_id, Quarter(FinancialYear(year), number))
        for kpi_id, year, number in KpiValue.objects.filter(
            # A figure, or the reason there is none: either answers the return.
            Q(actual__isnull=False) | ~Q(not_published=""),
            kpi__in=[kpi.pk for kpi in kpis],
            month=0,
            quarter__gte=1,
            financial_year__gte=first.year.start_year,
            financial_year__lte=due.year.start_year,
        ).values_list("kpi_id", "financial_year", "quarter")
    }
    councils = _council_returns(kpis, entered, due)
    return {"actions": list(actions), "today": today, "due": due, "kpi_groups": councils}


def _return_url(council: Council, quarter: Quarter) -> str:
    return reverse("kpi-return", kwargs={"council": council.slug, **quarter.url_kwargs})


def _saved_message(text: str) -> SafeString:
    """A success message with the way back to My work."""
    return format_html(
        '{} <a class="govuk-notification-banner__link" href="{}">Back to My work</a>',
        text,
        reverse("my-work"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An action, the form to update it (for those who may), its updates and audit trail."""
    user = request.user
    action = get_object_or_404(
        Action.objects.visible_to(user).select_related("plan__council", "theme"), pk=pk
    )
    can_edit = Action.objects.editable_by(user).filter(pk=pk).exists()
    stage_and_rag = action.reports_stage_and_rag
    conflict: ActionConflict | None = None
    status = 200
    form: ActionUpdateForm | None = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("You can read this action but not update it.")
        form = ActionUpdateForm(request.POST, stage_and_rag=stage_and_rag)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_update(
                    action,
                    user,
                    status=data.get("status", ""),
                    percent_complete=data["percent_complete"],
                    commentary=data["commentary"],
                    expected_version=data["version"],
                    stage=data.get("stage", ""),
                    rag=data.get("rag", ""),
                    as_at=data.get("as_at"),
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except ActionConflict as error:
                conflict = error
                status = 409
                # Keep what the user typed, but let a second save knowingly replace theirs.
                data = request.POST.copy()
                data["version"] = str(error.action.version)
                form = ActionUpdateForm(data, stage_and_rag=stage_and_rag)
                form.is_valid()
                action = get_object_or_404(
                    Action.objects.visible_to(user).select_related("plan__council", "theme"),
                    pk=pk,
                )
            else:
                messages.success(
                    request,
                    _saved_message(
                        f"Update saved: {action.state_phrase}, {action.progress_phrase}."
                    ),
                )
                return redirect(action)
    elif can_edit:
        form = ActionUpdateForm(
            initial={
                "status": action.status,
                "stage": action.stage,
                "rag": action.rag,
                "percent_complete": action.percent_complete,
                "version": action.version,
            },
            stage_and_rag=stage_and_rag,
        )
    updates = ActionUpdate.objects.filter(action=action).select_related("author")
    context = {
        "action": action,
        "council": action.plan.council,
        "form": form,
        "can_edit": can_edit,
        "conflict": conflict,
        "updates": updates,  # newest first (Meta ordering)
        "overdue": action.is_overdue(timezone.localdate()),
        "audit": audit_trail(action.history.all()),
    }
    return render(request, "work/action_detail.html", context, status=status)


#: A return's reason options, drawn, by the reason chosen.
_REASON_OPTIONS: dict[str, SafeString] = {}


@dataclass
class ReturnCell:
    """A return row as the page shows it: the stored data plus what the user typed.

    ``shown_actual`` and ``shown_commentary`` go back with the form (with ``version``), so a
    save can tell the cells the officer typed into from those they left alone.
    """

    row: ReturnRow
    actual: str
    commentary: str
    version: int | None
    shown_actual: str
    shown_commentary: str
    error: str = ""
    conflict: CellConflict | None = None
    #: Why there is no figure (a NotPublished value, "" for a figure), and as shown.
    reason: str = ""
    shown_reason: str = ""

    @classmethod
    def stored(cls, row: ReturnRow) -> ReturnCell:
        """The cell as it is stored now."""
        return cls(
            row,
            row.actual_text,
            row.commentary,
            row.version,
            row.actual_text,
            row.commentary,
            reason=row.reason,
            shown_reason=row.reason,
        )

    @property
    def reason_choices(self) -> list[tuple[str, str, bool]]:
        """The reasons the officer may pick (value, words, selected), "a figure" first."""
        options = [("", "A figure is given"), *NotPublished.choices]
        return [(value, label, value == self.reason) for value, label in options]

    @property
    def reason_options(self) -> SafeString:
        """``reason_choices`` as the select's options: drawn once for each reason chosen (a
        return repeats them on every row)."""
        options = _REASON_OPTIONS.get(self.reason)
        if options is None:
            options = mark_safe(  # noqa: S308  (each option escaped by format_html)
                "".join(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        value,
                        mark_safe(" selected") if selected else "",  # noqa: S308  (a constant)
                        label,
                    )
                    for value, label, selected in self.reason_choices
                )
            )
            if len(_REASON_OPTIONS) < 64:  # the reasons, and any unknown one read back
                _REASON_OPTIONS[self.reason] = options
        return options

    @property
    def pk(self) -> str:
        """The measure's id as the form's field names carry it (text: not localised as a
        number each of the sixteen times a row names it)."""
        return str(self.row.kpi.pk)

    @property
    def kpi(self) -> KPI:
        return self.row.kpi

    @property
    def unit(self) -> Unit:
        return Unit(self.kpi.unit)

    @property
    def rag(self) -> Rag:
        return self.row.rag

    @property
    def previous_rag(self) -> Rag | None:
        return self.row.previous_rag

    @property
    def message(self) -> str:
        return self.error or (self.conflict.message if self.conflict else "")

    @property
    def commentary_rows(self) -> int:
        """Enough lines to show the commentary (about 80 characters a line), 3 to 10."""
        lines = sum(len(line) // 80 + 1 for line in self.commentary.splitlines())
        return min(max(lines + 1, 3), 10)


def _parse_version(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:  # not a number (or absurdly long): as if the page showed no value
        return None


def _cells_after_refusal(
    rows: list[ReturnRow],
    posted: dict[int, ReturnEntry],
    errors: dict[int, str],
    conflicts: dict[int, CellConflict],
) -> list[ReturnCell]:
    """The return again after nothing was saved, from ``rows`` as stored now.

    What the officer typed stays. A cell they left alone shows what is stored now (someone
    may have saved it meanwhile), so saving again never brings back an old value. A typed
    cell keeps the version it was typed against, unless it is a conflict the officer is now
    shown: then it takes the current version, and saving again knowingly replaces theirs.
    """
    cells = []
    for row in rows:
        cell = ReturnCell.stored(row)
        entry = posted.get(row.kpi.pk)
        if entry is not None and entry.changed:
            cell.actual, cell.commentary = entry.actual, entry.commentary
            cell.reason = entry.reason
            cell.error = errors.get(row.kpi.pk, "")
            cell.conflict = conflicts.get(row.kpi.pk)
            if cell.conflict is None:
                cell.version = entry.version
                cell.shown_actual = entry.shown_actual or ""
                cell.shown_commentary = entry.shown_commentary or ""
                cell.shown_reason = entry.shown_reason or ""
        cells.append(cell)
    return cells


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_return(request: HttpRequest, council: str, year: str, quarter: str) -> HttpResponse:
    """One council's quarterly return: every measure the user may enter, saved all at once."""
    if request.method != "POST":
        return _kpi_return_get(request, council, year, quarter)
    council_obj, period, rows = _return_of(request, council, year, quarter)
    cells = [ReturnCell.stored(row) for row in rows]
    status = 200
    if request.method == "POST":
        if not rows:
            raise PermissionDenied("You cannot enter values for this council.")
        post = request.POST
        posted = {
            pk: ReturnEntry(
                kpi_id=pk,
                actual=post.get(f"actual-{pk}", ""),
                commentary=post.get(f"commentary-{pk}", ""),
                version=_parse_version(post.get(f"version-{pk}")),
                shown_actual=post.get(f"shown-actual-{pk}"),
                shown_commentary=post.get(f"shown-commentary-{pk}"),
                reason=post.get(f"reason-{pk}", ""),
                shown_reason=post.get(f"shown-reason-{pk}", ""),
            )
            for pk in (row.kpi.pk for row in rows)
            if f"actual-{pk}" in post
        }
        try:
            saved = submit_return(request.user, council_obj, period, posted.values())
        except (ReturnInvalid, ReturnConflict) as problem:
            status = 200 if isinstance(problem, ReturnInvalid) else 409
            cells = _cells_after_refusal(
                return_rows(request.user, council_obj, period),
                posted,
                problem.errors if isinstance(problem, ReturnInvalid) else {},
                problem.conflicts if isinstance(problem, ReturnConflict) else {},
            )
        else:
            if saved:
                messages.success(
                    request,
                    _saved_message(
                        f"Saved {len(saved)} value{'s' if len(saved) != 1 else ''} for {period}."
                    ),
                )
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(request.path)
    problems = [cell for cell in cells if cell.message]
    body = _return_body(request, council_obj, period, cells)
    return _return_page(request, council_obj, period, body, problems, status)


def _kpi_return_get(request: HttpRequest, council: str, year: str, quarter: str) -> HttpResponse:
    """The return as stored: drawn once per version of the council's data for each person
    (their role there decides which measures they enter), then served from the cache."""
    try:
        period = Quarter.from_slug(year, quarter)
    except ValueError:
        raise Http404("No such quarter.") from None
    council_obj = readable_council_or_404(request, council)
    key = (
        f"return:{council_obj.pk}:{council_obj.data_version}:{period.slug}:{request.user.pk}"
        f":{council_obj.user_role}:{int(request.user.is_superuser)}"
        f":{timezone.localdate().isoformat()}"
    )

    def draw() -> str:
        rows = return_rows(request.user, council_obj, period)
        return _return_body(request, council_obj, period, [ReturnCell.stored(r) for r in rows])

    body = cache.get_or_set(key, draw)
    return _return_page(request, council_obj, period, body, [], 200)


def _return_body(
    request: HttpRequest, council: Council, period: Quarter, cells: list[ReturnCell]
) -> str:
    context = {
        "council": council,
        "rag_scheme": rag_scheme(council),
        "quarter": period,
        "previous_quarter": period.previous(),
        "cells": cells,
        "previous_url": _return_url(council, period.previous()),
        "next_url": _return_url(council, period.next()),
        "csrf_token": CSRF_MARK,  # the reader's own put back in _return_page
        **_sheet_urls(council, period),
    }
    return render_to_string("work/kpi_return_body.html", context, request=request)


def _return_page(
    request: HttpRequest,
    council: Council,
    period: Quarter,
    body: str,
    problems: list,
    status: int,
) -> HttpResponse:
    # The body was rendered (and escaped) by the template engine; the token is the reader's.
    body = mark_safe(with_request_token(body, request))  # noqa: S308
    context = {"council": council, "quarter": period, "body": body, "problems": problems}
    return render(request, "work/kpi_return.html", context, status=status)


def _sheet_urls(council: Council, quarter: Quarter) -> dict[str, str]:
    kwargs = {"council": council.slug, **quarter.url_kwargs}
    return {
        "sheet_url": reverse("kpi-return-sheet", kwargs=kwargs),
        "upload_url": reverse("kpi-return-upload", kwargs=kwargs),
    }


def _return_of(
    request: HttpRequest, council: str, year: str, quarter: str
) -> tuple[Council, Quarter, list[ReturnRow]]:
    """The council (404 outside the user's), the quarter and the user's rows of its return."""
    try:
        period = Quarter.from_slug(year, quarter)
    except ValueError:
        raise Http404("No such quarter.") from None
    council_obj = get_object_or_404(Council.objects.visible_to(request.user), slug=council)
    return council_obj, period, return_rows(request.user, council_obj, period)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_return_sheet(request: HttpRequest, council: str, year: str, quarter: str) -> HttpResponse:
    """The return as a spreadsheet: the user's measures, pre-filled, to fill in offline."""
    council_obj, period, rows = _return_of(request, council, year, quarter)
    if request.method == "POST":  # read-only, but only once we know the user may see it
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not rows:
        raise PermissionDenied("There are no measures of this council for you to enter.")
    response = HttpResponse(
        return_sheet.build_sheet(rows, period), content_type=return_sheet.CONTENT_TYPE
    )
    name = return_sheet.filename(council_obj.slug, period)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_return_upload(request: HttpRequest, council: str, year: str, quarter: str) -> HttpResponse:
    """An uploaded return spreadsheet, previewed: what would change, or why it cannot be.

    Nothing is saved here. With no problems, the preview's button posts the changes to the
    return itself, which checks them again and saves them all at once.
    """
    council_obj, period, rows = _return_of(request, council, year, quarter)
    if request.method != "POST":
        return redirect(_return_url(council_obj, period))
    if not rows:
        raise PermissionDenied("You cannot enter values for this council.")
    upload = request.FILES.get("spreadsheet")
    error, preview = "", None
    if upload is None:
        error = "Choose the filled-in spreadsheet to upload"
    elif upload.size is not None and upload.size > return_sheet.MAX_BYTES:
        error = "The file is larger than 2 MB. Upload the spreadsheet downloaded from this page."
    else:
        try:
            sheet = return_sheet.read_sheet(upload.read(), rows, period)
        except return_sheet.SheetError as problem:
            error = str(problem)
        else:
            review = review_return(request.user, council_obj, period, sheet.entries)
            preview = return_sheet.preview(sheet, review)
    return render(
        request,
        "work/kpi_return_upload.html",
        {
            "council": council_obj,
            "quarter": period,
            "upload_error": error,
            "preview": preview,
            "return_url": _return_url(council_obj, period),
            **_sheet_urls(council_obj, period),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def kpi_value_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who entered or changed one KPI value, when, and what changed."""
    value = get_object_or_404(
        KpiValue.objects.visible_to(request.user).select_related("kpi__council"), pk=pk
    )
    if request.method == "POST":  # read-only, but only once we know the user may see it
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request,
        "work/kpi_value_history.html",
        {
            "value": value,
            "council": value.kpi.council,
            "audit": audit_trail(value.history.all()),
        },
    )


@login_required
@require_safe
def quarter_status_board(request: HttpRequest, council: str, year: str, quarter: str):
    """The performance team's view of a quarter's collection: who has entered what, and
    what looks wrong. Council administrators only (others of the council: 403)."""
    try:
        period = Quarter.from_slug(year, quarter)
    except ValueError:
        raise Http404("No such quarter.") from None
    council_obj = get_object_or_404(Council.objects.visible_to(request.user), slug=council)
    if not Council.objects.administered_by(request.user).filter(pk=council_obj.pk).exists():
        raise PermissionDenied("Only the council's administrators see the status board.")
    status = quarter_status(council_obj, period)
    return render(
        request,
        "work/quarter_status.html",
        {
            "council": council_obj,
            "quarter": period,
            "status": status,
            "window": status.window,
            "window_state": status.window.state(timezone.localdate()),
            "previous_url": _status_url(council_obj, period.previous()),
            "next_url": _status_url(council_obj, period.next()),
        },
    )


def _status_url(council: Council, quarter: Quarter) -> str:
    return reverse("quarter-status", kwargs={"council": council.slug, **quarter.url_kwargs})
