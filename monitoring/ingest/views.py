"""The HTTPS side of the ingest (protocol §1, §5): `POST /ingest/v1/batches`.

Same checks and the same store as the MQTT consumer (keys, `message_store`): the answer
is 2xx only after the message's transaction committed, and every answer carries the
server's clock (`X-SafeAtlas-Time`) so an agent with a stepped clock keeps signing inside
the window. Runs in the web workers; nonces are shared through the database.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from collectors.protocol import (
    H_GATEWAY,
    H_NONCE,
    H_SERVER_TIME,
    H_SIGNATURE,
    H_TIMESTAMP,
    Rejected,
)
from monitoring.ingest.keys import Keys

log = logging.getLogger("monitoring.ingest")
# bytes, under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, a 400 past it): above it is
# 413, on which the agent halves its batch
MAX_BODY = 2 * 1024 * 1024
_HEADERS = (H_GATEWAY, H_TIMESTAMP, H_NONCE, H_SIGNATURE)
_keys = Keys()


@csrf_exempt  # signed per message with the gateway's key (protocol §4), not a browser form
@require_POST
def batches(request: HttpRequest) -> JsonResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return _answer({"ok": False, "reason": "too_large"}, 413)
    headers = {name: request.headers.get(name, "") for name in _HEADERS}
    try:
        doc = _keys.receive(headers, request.body, path=request.path)
    except Rejected as exc:
        return _answer({"ok": False, "reason": exc.reason}, exc.status)
    except DatabaseError as exc:  # not committed: the agent retries (transient)
        log.warning("database: %s", exc)
        return _answer({"ok": False, "reason": "unavailable"}, 503)
    body = {"ok": True}
    if doc.get("kind") == "batch":  # a heartbeat stores no records
        body["acked_seq"] = doc.get("last_seq")
    return _answer(body, 200)


def _answer(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response[H_SERVER_TIME] = str(int(time.time()))
    return response
