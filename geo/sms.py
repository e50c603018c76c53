"""SMS backends. The gateway is outside the machine, so the shipped backends do not
call one: `LogBackend` writes each text to the log (the default), `LocmemBackend`
keeps them in `outbox` (tests, demo). A real gateway is a class with the same
`send_messages` method named in `settings.SMS_BACKEND`."""

from __future__ import annotations

import logging

log = logging.getLogger("safeatlas.sms")
outbox: list[tuple[str, str]] = []


class LogBackend:
    def send_messages(self, messages: list[tuple[str, str]]) -> int:
        for phone, text in messages:
            log.info("SMS to %s: %s", phone, text)
        return len(messages)


class LocmemBackend:
    def send_messages(self, messages: list[tuple[str, str]]) -> int:
        outbox.extend(messages)
        return len(messages)
