"""Forms that work on a phone without a network (离线填报): the page's script
(static/geo/offline.js) keeps each submitted form in the browser's IndexedDB, with its
photos, until the server has answered; the service worker (`/sw.js`) keeps the pages and
files the user opened, so a form opens again with no network. A queued record is sent with
an `X-Offline-Id` header (a UUID made when it was filled); `offline_once` lets each id
through a view once per user and answers a repeat with the first answer, so a record sent
twice (the answer was lost, the queue was replayed) is stored once.

The receipt is inserted first, in the view's transaction: a second send of the same id
waits on the unique index until the first commits, then finds the receipt. A refused form
(4xx) or an error keeps nothing, so the user can correct it and send it again.
"""

from __future__ import annotations

import datetime
import uuid
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.models import OfflineReceipt

HEADER = "X-Offline-Id"
FILLED = "X-Offline-Filled-At"  # when the record was filled on the phone (ms since epoch)
REPLAYED = "X-Offline-Replayed"
MAX_AGE = datetime.timedelta(days=14)  # a queued record older than this is dated on arrival


def offline_once(view):
    """Decorate a POST view that offline.js may send from its queue (mark its form
    `data-offline`)."""
    @wraps(view)
    def once(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if request.method != "POST" or raw is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            key = uuid.UUID(raw)
        except ValueError:
            return JsonResponse({"error": _("离线记录标识无效")}, status=400)
        with transaction.atomic():
            receipt = _receipt_claim(request, key)
            if receipt.status is not None:
                return _answer_again(receipt)
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # refused: keep nothing, the user corrects it
                return response
            receipt.status = response.status_code
            receipt.location = response.get("Location", "")[:500]
            receipt.save(update_fields=["status", "location"])
        return response
    return once


def filled_at(request: HttpRequest) -> datetime.datetime:
    """When the record was made: the phone's time for a record sent from its queue (an
    inspection filled on site, sent hours later), else now. A time in the future or older
    than MAX_AGE is not believed."""
    now = timezone.now()
    try:
        millis = int(request.headers.get(FILLED, ""))
        moment = datetime.datetime.fromtimestamp(millis / 1000, datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return now
    return moment if now - MAX_AGE <= moment <= now else now


def _receipt_claim(request: HttpRequest, key: uuid.UUID) -> OfflineReceipt:
    """This send's receipt row: new (status unset), or the first send's once it has
    committed (the insert waits on the unique index while that one is in flight)."""
    try:
        with transaction.atomic():
            return OfflineReceipt.objects.create(user=request.user, key=key,
                                                 path=request.path[:300])
    except IntegrityError:
        return OfflineReceipt.objects.get(user=request.user, key=key)


def _answer_again(receipt: OfflineReceipt) -> HttpResponse:
    response = (HttpResponseRedirect(receipt.location) if receipt.location
                else HttpResponse(status=receipt.status))
    response[REPLAYED] = "1"
    return response


@require_GET
def service_worker(request: HttpRequest) -> FileResponse:
    """The service worker at the site's root, so its scope is every page."""
    response = FileResponse((settings.BASE_DIR / "geo" / "static" / "geo" / "sw.js").open("rb"),
                            content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # a new worker is picked up on the next visit
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the platform installs on a phone's home screen."""
    icons = [{"src": f"{settings.STATIC_URL}geo/icon-{size}.png", "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in (192, 512)]
    return JsonResponse({
        "name": _("安全图谱 SafeAtlas"), "short_name": _("安全图谱"), "start_url": "/",
        "scope": "/", "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#0b69a3", "lang": request.LANGUAGE_CODE, "icons": icons,
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
