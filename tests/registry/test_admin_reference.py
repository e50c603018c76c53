"""Admin for reference catalogues (chemicals, laws, plan templates): staff only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("path", ["/admin/registry/chemical/", "/admin/registry/regulation/",
                                  "/admin/registry/plantemplate/"])
def test_reference_admin_lists_for_admins_only(world, client, path):
    call_command("load_chemicals", stdout=StringIO())
    client.force_login(world.users["county_a"])
    assert client.get(path).status_code == 302          # not staff: back to the admin login
    client.force_login(world.users["admin"])
    response = client.get(path + "?q=氯")
    assert response.status_code == 200
    page = response.content.decode()
    if "chemical" in path:
        assert "7782-50-5" in page  # chlorine's CAS, found by name
