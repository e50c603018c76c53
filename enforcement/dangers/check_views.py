"""Pages of the checks (排查): `/enforcement/dangers/checks/` lists the tasks (an
enterprise's own, with a form to add one; a supervisor's in scope, late ones marked), and
`/enforcement/dangers/checks/<id>/` is one task: its checklist to fill in and its records,
each finding linked to the hidden danger it became."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from enforcement.dangers import checks, selectors
from enforcement.dangers.check_models import Checklist, CheckTask, ItemResult
from geo.scope import scope_for_request
from registry.enterprises.selectors import enterprise_own


class TaskForm(forms.ModelForm):
    checklist = forms.ModelChoiceField(Checklist.objects.none(), label=gettext_lazy("排查清单"))

    class Meta:
        model = CheckTask
        fields = ["checklist", "name", "frequency", "starts_on", "assignee"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}


def _messages(request: HttpRequest, error: ValidationError) -> None:
    for problem in error.messages:
        messages.error(request, problem)


@login_required
@require_http_methods(["GET", "POST"])
def check_tasks(request: HttpRequest) -> HttpResponse:
    scope, today = scope_for_request(request), timezone.localdate()
    own = enterprise_own(scope=scope, user=request.user)
    form = None
    if own is not None:
        form = TaskForm(request.POST or None, initial={"starts_on": today})
        form.fields["checklist"].queryset = Checklist.objects.filter(
            pk__in=[c.pk for c in selectors.checklists_for(own)])
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            task = checks.check_task_create(enterprise=own, user=request.user,
                                            **form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("排查任务已设置"))
            return redirect("dangers:check_task", pk=task.pk)
    tasks = selectors.check_task_list(scope=scope, enterprise=own)[:200]
    return render(request, "enforcement/dangers/checks.html", {
        "form": form, "own": own, "today": today, "tasks": tasks})


@login_required
@require_http_methods(["GET", "POST"])
def check_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.check_task_get(scope=scope_for_request(request), pk=pk)
    if task is None:
        raise Http404(_("未找到该排查任务"))
    items = selectors.checklist_items(checklist_id=task.checklist_id)
    if request.method == "POST":
        results = [(item, request.POST.get(f"item-{item.pk}", ""),
                    request.POST.get(f"note-{item.pk}", ""))
                   for item in items if request.POST.get(f"item-{item.pk}")]
        try:
            record = checks.check_record_save(task=task, user=request.user, results=results,
                                              note=request.POST.get("note", ""))
        except ValidationError as error:
            _messages(request, error)
        else:
            found = sum(1 for _i, r, _n in results if r == ItemResult.FOUND)
            messages.success(request, _("排查记录已保存，登记隐患 %(n)s 项") % {"n": found})
            return redirect("dangers:check_task", pk=record.task_id)
    return render(request, "enforcement/dangers/check_task.html", {
        "task": task, "items": items, "results": ItemResult.choices,
        "records": selectors.check_records(task=task), "today": timezone.localdate(),
        "may_record": task.organisation_id is not None
        and request.user.organisation_id == task.organisation_id})
