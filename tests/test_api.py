"""The OpenAPI document at /api/v1/openapi.json parses strictly and has the structure OpenAPI requires."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

STATUS = re.compile(r"^([1-5][0-9]{2}|[1-5]XX|default)$")
pytestmark = pytest.mark.django_db
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """object_pairs_hook: refuse an object that names a key twice (strict OpenAPI parsers do)."""
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"duplicate keys {repeated} in an object with keys {keys}")
    return dict(pairs)


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


@pytest.fixture
def document(client) -> dict:
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return json.loads(response.content, object_pairs_hook=_no_duplicates)


def test_the_document_names_no_key_twice(client):
    body = client.get(reverse("api:openapi-json")).content
    json.loads(body, object_pairs_hook=_no_duplicates)  # raises on a repeated key
    with pytest.raises(ValueError, match="duplicate keys"):
        json.loads(b'{"responses": {"200": {}, "200": {}}}', object_pairs_hook=_no_duplicates)


def test_the_document_is_structurally_valid_openapi(document):
    assert re.match(r"^3\.[01]\.\d+$", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()
                  if method in METHODS]
    assert {(path, method) for path, method, _ in operations} >= {("/api/v1/plans", "post"),
                                                                   ("/api/v1/bookings", "post")}
    for path, method, op in operations:
        assert path.startswith("/")
        assert op["responses"], f"{method} {path} lists no response"
        for status, answer in op["responses"].items():
            assert STATUS.match(status), f"{method} {path}: {status!r} is not a status code"
            assert answer.get("description"), f"{method} {path} {status}: a response needs a description"
    components = document.get("components", {})
    for ref in _refs(document):
        assert ref.startswith("#/components/"), ref
        kind, name = ref.removeprefix("#/components/").split("/", 1)
        assert name in components.get(kind, {}), f"{ref} does not resolve"


def test_each_operation_lists_only_the_answers_it_gives(document):
    plans = document["paths"]["/api/v1/plans"]["post"]["responses"]
    assert sorted(plans) == ["200", "401", "403", "422"]
    assert plans["200"]["description"].startswith("The plan")
    # A booking answers 201 when booked; it never answers 200.
    assert sorted(document["paths"]["/api/v1/bookings"]["post"]["responses"]) == ["201", "409", "422", "429"]
