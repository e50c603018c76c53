"""The spatial core's scheduled job, run by the one job runner (`manage.py procrastinate
worker`, ADR 0012). Thin: it calls django-oauth-toolkit's own clean-up."""

from __future__ import annotations

from oauth2_provider.models import clear_expired
from procrastinate.contrib.django import app


@app.periodic(cron="37 4 * * *")
@app.task(queue="geo", queueing_lock="oauth_tokens_prune")
def oauth_tokens_prune(timestamp: int) -> None:
    """Daily: single sign-on codes, access, refresh and ID tokens past their lives leave
    the database (ADR 0026; revoked refresh tokens after REFRESH_TOKEN_EXPIRE_SECONDS)."""
    clear_expired()
