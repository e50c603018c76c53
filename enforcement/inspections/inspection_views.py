"""Pages of on-site inspections (placeholder until the record pages land)."""

from django.http import HttpResponse


def inspections(request):
    return HttpResponse(status=404)


def inspection_new(request):
    return HttpResponse(status=404)


def inspection(request, pk: int):
    return HttpResponse(status=404)
