"""The committed layer catalogue is what the registry declares now."""

import pytest
from django.core.management import CommandError, call_command

from layers.catalogue import catalogue_text
from tests import catalogue


def test_committed_catalogue_is_what_the_registry_generates():
    assert catalogue.PATH.read_text(encoding="utf-8") == catalogue_text(), (
        "layer catalogue is stale: run `make catalogue` and commit tests/layer_catalogue.json")


def test_check_passes_on_the_committed_file_and_fails_on_a_stale_one(tmp_path, capsys):
    call_command("layer_catalogue", "--check", output=catalogue.PATH)
    stale = tmp_path / "catalogue.json"
    stale.write_text(catalogue.PATH.read_text(encoding="utf-8").replace('"public": true',
                                                                        '"public": false'))
    with pytest.raises(CommandError, match=r"layer catalogue is stale: run `make catalogue`"):
        call_command("layer_catalogue", "--check", output=stale)
    call_command("layer_catalogue", output=stale)
    assert stale.read_text(encoding="utf-8") == catalogue_text()
    assert capsys.readouterr().out.splitlines() == [
        f"{catalogue.PATH} is up to date", f"wrote {stale}"]
