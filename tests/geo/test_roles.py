"""三权分立: the security and audit administrators read what is theirs and change no data,
whatever else their account says."""

from __future__ import annotations

import pytest

from geo import authority
from geo.models import Role, User
from geo.scope import PUBLIC, scope_for_user


@pytest.fixture(params=[Role.AUDITOR, Role.SECURITY_ADMIN])
def overseer(request, world):
    """An overseer with every other grant a careless administrator could give: the
    superuser flag, a division and the organisation that owns enterprise 1."""
    owner = world.enterprises_a[0]
    return User.objects.create_user("overseer", password="pw-overseer", role=request.param,
                                    is_superuser=True, is_staff=True,
                                    division=world.province,
                                    organisation_id=owner.organisation_id)


def test_the_write_gate_refuses_overseers(world, overseer):
    row = world.enterprises_a[0]
    assert row.organisation_id is not None
    assert authority.owns(overseer, row) is False
    assert authority.is_supervisor(overseer) is False
    assert authority.supervises(overseer, row) is False
    assert authority.may_edit(overseer, row) is False
    assert authority.may_decide(overseer, row) is False
    assert authority.may_place(overseer, row.division_code) is False
    # the same grants on an enterprise user do let it write
    assert authority.owns(world.users["enterprise"], row) is True


def test_overseers_read_the_public_layers_only(world, overseer):
    assert scope_for_user(overseer) == PUBLIC
