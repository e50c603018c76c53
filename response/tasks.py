"""Face: the response module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations
