"""The admin's workbook pages: import (upload → preview → confirm), download a council's
workbook or a blank template, and the list of past imports; all scoped to the councils the
user administers."""

from __future__ import annotations

import base64
import io
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

from core.sheets import MAX_BYTES, WorkbookError
from plans.admin import CouncilScopedMixin, is_council_admin
from plans.models import Council
from workbooks import spec
from workbooks.example import example_workbook
from workbooks.export import export_workbook, file_name
from workbooks.importer import ImportResult, import_workbook, importing
from workbooks.models import WorkbookImport
from workbooks.template import blank_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Where a checked workbook waits in the session for its confirmation.
PENDING_IMPORT = "workbooks_import"
#: What the page's script asks for to follow a confirmed import as it goes: one JSON object a
#: line ({"sheet", "done", "total"} as it goes, then {"ok", "url"} or {"ok", "errors"}).
NDJSON = "application/x-ndjson"
#: The most errors a streamed import sends (the count says how many there were).
ERRORS_SENT = 200


def wants_progress(request) -> bool:
    return NDJSON in request.headers.get("Accept", "")


def progress_line(message: dict) -> bytes:
    return (json.dumps(message) + "\n").encode()


class WorkbookUploadForm(forms.Form):
    """The council to import into (only those the user administers) and the file."""

    council = forms.ModelChoiceField(queryset=Council.objects.none())
    file = forms.FileField(
        label="Workbook",
        help_text="An .xlsx workbook with any of the sheets "
        + ", ".join(spec.SHEETS)
        + "; or one of them as a CSV file named after it (Measures.csv).",
    )
    invite = forms.BooleanField(
        label="Invite people the workbook names who are not members yet",
        required=False,
        help_text="Each becomes an officer of the council and is emailed a link to set a "
        "password. Unticked, an email that is not a member's is an error.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.administered_by(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        return upload


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(WorkbookImport)
class WorkbookImportAdmin(CouncilScopedMixin, admin.ModelAdmin):
    list_display = ["imported_at", "council", "user", "file_name", "summary_text", "again"]
    list_filter = ["council"]
    list_select_related = ["council", "user"]
    change_list_template = "admin/workbooks/workbookimport/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")  # the files, only when used

    @admin.display(description="File")
    def again(self, record: WorkbookImport) -> str:
        if not record.has_file:
            return "not kept"
        url = reverse("admin:workbooks_workbookimport_compare", args=[record.pk])
        return format_html('<a href="{}">Compare with the current data</a>', url)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="workbooks_workbookimport_import"),
            path("export/", wrap(self.export_view), name="workbooks_workbookimport_export"),
            path("template/", wrap(self.template_view), name="workbooks_workbookimport_template"),
            path("example/", wrap(self.example_view), name="workbooks_workbookimport_example"),
            path(
                "<path:object_id>/compare/",
                wrap(self.compare_view),
                name="workbooks_workbookimport_compare",
            ),
            path(
                "<path:object_id>/import-again/",
                wrap(self.import_again_view),
                name="workbooks_workbookimport_import_again",
            ),
            path(
                "<path:object_id>/imported/",
                wrap(self.imported_view),
                name="workbooks_workbookimport_imported",
            ),
            *super().get_urls(),
        ]

    def context(self, request, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
        }

    def export_view(self, request):
        """The councils the user administers, each a download; ``?council=slug`` downloads."""
        if not is_council_admin(request):
            raise PermissionDenied
        councils = Council.objects.administered_by(request.user).order_by("name")
        slug = request.GET.get("council")
        if slug:
            council = councils.filter(slug=slug).first()
            if council is None:
                raise Http404("No such council among those you administer.")
            out = io.BytesIO()
            export_workbook(council, out)
            return xlsx_response(out.getvalue(), file_name(council))
        return TemplateResponse(
            request,
            "admin/workbooks/export.html",
            {**self.context(request, "Download a council's workbook"), "councils": councils},
        )

    def template_view(self, request):
        if not is_council_admin(request):
            raise PermissionDenied
        return xlsx_response(blank_workbook(), "workbook-template.xlsx")

    def example_view(self, request):
        if not is_council_admin(request):
            raise PermissionDenied
        return xlsx_response(example_workbook(), "workbook-example.xlsx")

    def import_view(self, request):
        """Upload → preview (a dry run: counts and errors) → confirm (the real import).

        The file checked is kept in the session until confirmed, and imported again from
        there (so what was previewed is what is imported, checked again in the transaction).
        """
        if not is_council_admin(request):
            raise PermissionDenied
        context = self.context(request, "Import a workbook")
        result = None
        form = WorkbookUploadForm(user=request.user)
        if request.method == "POST" and request.POST.get("confirm"):
            pending = request.session.pop(PENDING_IMPORT, None)
            council = (
                pending
                and Council.objects.administered_by(request.user)
                .filter(pk=pending["council"])
                .first()
            )
            if council is None:
                return self.refuse(
                    request,
                    "Nothing to import: upload the workbook again.",
                    reverse("admin:workbooks_workbookimport_import"),
                )
            response, result = self.run(
                request,
                council,
                pending["name"],
                base64.b64decode(pending["data"]),
                invite=pending.get("invite", False),
            )
            if response is not None:
                return response
        elif request.method == "POST":
            request.session.pop(PENDING_IMPORT, None)
            form = WorkbookUploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    result = import_workbook(
                        form.cleaned_data["council"],
                        request.user,
                        upload.name,
                        data,
                        dry_run=True,
                        invite=form.cleaned_data["invite"],
                    )
                except WorkbookError as error:
                    form.add_error("file", str(error))
                else:
                    if result.ok:
                        request.session[PENDING_IMPORT] = {
                            "council": form.cleaned_data["council"].pk,
                            "name": upload.name,
                            "data": base64.b64encode(data).decode("ascii"),
                            "invite": form.cleaned_data["invite"],
                        }
        return TemplateResponse(
            request, "admin/workbooks/import.html", {**context, "form": form, "result": result}
        )

    # Importing, with its progress; past imports compared and imported again ----------------

    def run(self, request, council: Council, name: str, data: bytes, invite=False, back: str = ""):
        """Import for real: (a response, None) when done or streamed, or (None, the result)
        when it has errors, for the page to show them. Asked for NDJSON (the page's script),
        the response streams the import's progress, then where to go or the errors."""
        base_url = request.build_absolute_uri("/")
        if wants_progress(request):
            lines = self.stream(request, council, name, data, invite, base_url)
            response = StreamingHttpResponse(lines, content_type=NDJSON)
            response["Cache-Control"] = "no-store"
            response["X-Accel-Buffering"] = "no"  # a proxy passes each line on as it comes
            return response, None
        try:
            result = import_workbook(
                council, request.user, name, data, invite=invite, base_url=base_url
            )
        except WorkbookError as error:
            messages.error(request, str(error))
            return redirect(back or "admin:workbooks_workbookimport_import"), None
        if result.ok:
            return self.done(result), None
        return None, result

    @staticmethod
    def refuse(request, message: str, to: str) -> HttpResponse:
        """Nothing imported, said to the page's script (as its last line) or as a message."""
        if wants_progress(request):
            line = progress_line({"ok": False, "errors": [message], "count": 1})
            return HttpResponse(line, content_type=NDJSON)
        messages.error(request, message)
        return redirect(to)

    @staticmethod
    def done(result: ImportResult):
        return redirect("admin:workbooks_workbookimport_imported", result.record.pk)

    def stream(self, request, council, name, data, invite, base_url):
        """The import run inside the response as it is sent (one transaction, as ever)."""
        steps = importing(council, request.user, name, data, invite=invite, base_url=base_url)
        try:
            while True:
                try:
                    event = next(steps)
                except StopIteration as finished:
                    result = finished.value
                    break
                yield progress_line(
                    {"sheet": event.sheet, "done": event.done, "total": event.total}
                )
        except WorkbookError as error:
            yield progress_line({"ok": False, "errors": [str(error)], "count": 1})
            return
        if result.ok:
            yield progress_line({"ok": True, "url": self.done(result).url})
        else:
            errors = [str(error) for error in result.errors]
            yield progress_line({"ok": False, "errors": errors[:ERRORS_SENT], "count": len(errors)})

    def record_or_404(self, request, object_id: str) -> WorkbookImport:
        """A past import of a council the user administers (the site's gate answers another
        council's as a missing one; this refuses staff who administer no council)."""
        if not is_council_admin(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def imported_view(self, request, object_id: str):
        """Where a confirmed import ends: what it did, said above the past imports."""
        record = self.record_or_404(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        messages.success(
            request, f"Imported {record.file_name} into {record.council}. {record.summary_text}."
        )
        if record.invited:
            messages.info(request, "Invited to set a password: " + ", ".join(record.invited) + ".")
        return redirect("admin:workbooks_workbookimport_changelist")

    def compare_view(self, request, object_id: str):
        """A past import's file checked against today's data (a dry run): what importing it
        again would create and update, with the changed cells, and the button to do it."""
        record = self.record_or_404(request, object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        result = error = None
        if record.has_file:
            try:
                result = import_workbook(
                    record.council,
                    request.user,
                    record.file_name,
                    bytes(record.data),
                    dry_run=True,
                )
            except WorkbookError as problem:
                error = str(problem)
        title = f"{record.file_name}, imported {localtime(record.imported_at):%d %b %Y %H:%M}"
        return TemplateResponse(
            request,
            "admin/workbooks/compare.html",
            {**self.context(request, title), "record": record, "result": result, "error": error},
        )

    def import_again_view(self, request, object_id: str):
        """Import a past import's file again, as the user now (recorded as a new import)."""
        record = self.record_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        compare = reverse("admin:workbooks_workbookimport_compare", args=[record.pk])
        if not record.has_file:
            return self.refuse(
                request, "This import's file was not kept: upload it again.", compare
            )
        response, result = self.run(
            request, record.council, record.file_name, bytes(record.data), back=compare
        )
        if response is not None:
            return response
        messages.error(
            request,
            f"Not imported: {len(result.errors)} error(s) with today's data (below); "
            "nothing was written.",
        )
        return redirect(compare)
