"""Shortcut on the workbench (geo.home) to the knowledge base (laws and accident cases)."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.home import home_shortcut

home_shortcut(65, gettext_lazy("知识库"), key="knowledge", url=reverse_lazy("knowledge:search"),
              shows=lambda ask: True)
