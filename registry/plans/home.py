"""Shortcut on the workbench (geo.home) to emergency plans, for those who keep or file them."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.home import home_shortcut
from geo.scope import PUBLIC

home_shortcut(25, gettext_lazy("应急预案"), key="plans", url=reverse_lazy("plans:list"),
              shows=lambda ask: ask.scope is not PUBLIC)
