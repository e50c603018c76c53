"""The workbench shortcut (geo.home) to incident intake (事件接报) for the bureaus."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.home import home_shortcut
from response.incidents.flow import user_level

home_shortcut(24, gettext_lazy("突发事件接报"), key="incidents",
              url=reverse_lazy("incidents:incidents"),
              shows=lambda ask: user_level(ask.user) is not None)
