"""Contract tests over every registered layer: one declaration gives every face."""

import pytest
from django.test import Client

from geo.scope import EVERYTHING, scope_for_user
from layers.base import registry
from layers.styles import style_document
from tests.layers.samples import sample_row

LAYER_IDS = registry.ids()


@pytest.fixture
def admin_client(world):
    for layer in registry.all():
        sample_row(layer, world)
    client = Client()
    client.force_login(world.users["admin"])
    return client


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_every_layer_has_every_face(admin_client, layer_id):
    layer = registry.get(layer_id)
    count = layer.queryset(EVERYTHING).count()
    assert count > 0
    items = admin_client.get(f"/ogc/collections/{layer_id}/items?f=json&limit=1000")
    assert items.status_code == 200
    assert items.json()["numberMatched"] == count
    assert admin_client.get(f"/tiles/{layer_id}.json").status_code == 200
    z = max(layer.zoom[0], 8)
    assert admin_client.get(f"/tiles/{layer_id}/{z}/212/104.mvt").status_code in (200, 204)
    exported = admin_client.get(f"/layers/{layer_id}/export.geojson")
    assert exported.status_code == 200
    model = layer.model._meta
    assert admin_client.get(f"/admin/{model.app_label}/{model.model_name}/").status_code == 200
    style = style_document(EVERYTHING, "http://testserver")
    assert layer_id in style["sources"]
    assert any(s["source"] == layer_id for s in style["layers"] if "source" in s)


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_sample_row_is_in_county_a_scope(world, layer_id):
    layer = registry.get(layer_id)
    row = sample_row(layer, world)
    assert getattr(row, layer.geometry_field().name).within(world.county_a.geom)
    assert layer.queryset(scope_for_user(world.users["county_a"])).filter(pk=row.pk).exists()
    seen_by_b = layer.queryset(scope_for_user(world.users["county_b"])).filter(pk=row.pk)
    assert seen_by_b.exists() is layer.public


def _add_enterprises(world, start: int, n: int) -> None:
    from registry.enterprises.models import Enterprise

    Enterprise.objects.bulk_create([
        Enterprise(name=f"批量{i}", credit_code=f"X{i:017d}", industry="C26",
                   division_code="320101001001", geom=world.enterprises_a[0].geom)
        for i in range(start, start + n)
    ])


@pytest.mark.parametrize(("page", "queries"), [
    ("/layers/", 3),                   # the user, all counts in one, the unread messages
    ("/ogc/collections/enterprises/items?f=json", 3),  # the user, page, numberMatched
])
def test_list_query_count_is_pinned(admin_client, world, page, queries,
                                    django_assert_num_queries):
    _add_enterprises(world, 0, 50)  # more rows than one OGC page
    admin_client.get(page)  # warm per-process caches (scope, extents, API objects)
    with django_assert_num_queries(queries):
        admin_client.get(page)
    _add_enterprises(world, 50, 500)
    with django_assert_num_queries(queries):
        admin_client.get(page)
