"""The exchange run by the one job runner (`manage.py procrastinate worker`), and its
configuration refused in the admin's form naming the field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from monitoring.ingest.services import batch_store
from monitoring.tasks import upstream_exchange
from monitoring.upstream.admin import PlatformForm
from monitoring.upstream.models import Cursor, Platform
from tests.monitoring.upstream.conftest import TABLES, platform_make


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_closed_minutes(gateway, tcp_peer):
    start = (datetime.now(UTC) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    ms = int(start.timestamp() * 1000)
    records = [{"seq": i + 1, "kind": "reading", "point": "T-1.level", "ts": ms + i * 1000,
                "value": 10.0 + i, "quality": "good", "unit": "", "reason": ""}
               for i in range(3)]
    batch_store({"v": 1, "kind": "batch", "gateway": "gw-a", "records": records,
                 "first_seq": 1, "last_seq": 3}, now=start + timedelta(seconds=5))
    platform = platform_make(tcp_peer, tables={"readings_minute": TABLES["readings_minute"]})
    upstream_exchange.defer(timestamp=int(datetime.now(UTC).timestamp()))
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": urlunsplit(
        url._replace(path="/" + connection.settings_dict["NAME"]))}
    subprocess.run([sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
                    "-q", "monitoring"], env=env, check=True, timeout=120,
                   capture_output=True)
    minute = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert tcp_peer.rows == {"t_monitor_minute": {f"gw-a/T-1.level@{minute}": {
        "DATA_ID": f"gw-a/T-1.level@{minute}", "POINT_CODE": "gw-a/T-1.level",
        "CREDIT_CODE": gateway.enterprise.credit_code, "COLLECT_TIME": minute,
        "AVG_VALUE": 11.0, "SAMPLE_NUM": 3}}}
    assert Cursor.objects.get(platform=platform).error == ""


def test_the_admin_form_refuses_a_field_it_does_not_know(db):
    tables = {"alarms": {"name": "t_alarm", "fields": {"id": "ID", "levle": "L"}}}
    form = PlatformForm(data={
        "code": "p", "name": "省平台", "area": "32", "kind": "tcp",
        "endpoint": "127.0.0.1:9", "sender": "S", "encryption": "aes-256-gcm",
        "key": "11" * 32, "delimiter": "\\n", "tables": json.dumps(tables),
        "batch_size": 200, "timeout": 10, "enabled": True})
    assert not form.is_valid()
    assert list(form.errors) == ["tables"]
    assert "tables.alarms.fields.levle" in form.errors["tables"][0]
    form.data = {**form.data, "tables": json.dumps(TABLES)}
    form.full_clean()
    assert form.is_valid(), form.errors


def _post(platform_fields: dict) -> dict:
    return {"batch_size": 200, "timeout": 10, "enabled": "on", "cursors-TOTAL_FORMS": 0,
            "cursors-INITIAL_FORMS": 0, **platform_fields}


def test_the_admin_adds_a_platform_and_shows_its_cursors(world, client, tcp_peer):
    good = {"code": "js", "name": "江淮省平台", "area": "39", "kind": "tcp",
            "endpoint": tcp_peer.endpoint, "sender": "SAFEATLAS-01",
            "encryption": "aes-256-gcm", "key": "11" * 32, "delimiter": "\\n"}
    client.force_login(world.users["county_a"])
    assert client.get("/admin/monitoring/platform/add/").status_code == 302   # not staff
    client.force_login(world.users["admin"])
    bad = {**good, "tables": json.dumps({"alarms": {"name": "t", "fields": {
        "id": "ID", "levle": "L"}}})}
    page = client.post("/admin/monitoring/platform/add/", _post(bad)).content.decode()
    assert "tables.alarms.fields.levle" in page
    response = client.post("/admin/monitoring/platform/add/",
                           _post({**good, "tables": json.dumps(TABLES)}))
    assert response.status_code == 302
    platform = Platform.objects.get(code="js")
    Cursor.objects.create(platform=platform, table="alarms", acked_seq=41,
                          error="acknowledged 3 of 5")
    page = client.get(f"/admin/monitoring/platform/{platform.pk}/change/").content.decode()
    assert "acknowledged 3 of 5" in page and ">41<" in page.replace(" ", "")
    assert "11" * 32 not in page                        # the key is not shown back
    # a change that leaves the key blank keeps it
    response = client.post(f"/admin/monitoring/platform/{platform.pk}/change/", _post({
        **good, "name": "江淮省监管平台", "key": "", "tables": json.dumps(TABLES),
        "cursors-TOTAL_FORMS": 1, "cursors-INITIAL_FORMS": 1,
        "cursors-0-id": Cursor.objects.get().pk, "cursors-0-platform": platform.pk}))
    assert response.status_code == 302, response.content.decode()[:3000]
    platform.refresh_from_db()
    assert (platform.name, platform.key) == ("江淮省监管平台", "11" * 32)
