"""Pages of the alarms slice (filled in below)."""
from django.http import HttpResponse


def alarm_list(request):
    return HttpResponse()


def alarm_detail(request, pk):
    return HttpResponse()


def warning_detail(request, pk):
    return HttpResponse()


def suppression_list(request):
    return HttpResponse()
