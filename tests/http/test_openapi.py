"""GET /openapi.json: an OpenAPI 3.1 document made from the host's route
table. It is checked against the OpenAPI 3.1 rules for the objects it uses
(written below as a JSON Schema, validated with Debian's python3-jsonschema),
every operation in it is served, and every endpoint the documentation names
that the host serves is in it."""

import os
import re

import pytest
import requests

jsonschema = pytest.importorskip("jsonschema")

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs")

# The OpenAPI 3.1 specification's rules for the objects the document holds:
# the OpenAPI, Info, Tag, Paths, Path Item, Operation, Parameter, Responses,
# Response, Media Type and Schema objects ("x-" extensions allowed where the
# specification allows them).
EXT = {"^x-": True}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["openapi", "info"],
    "anyOf": [{"required": ["paths"]}, {"required": ["components"]}, {"required": ["webhooks"]}],
    "properties": {
        "openapi": {"type": "string", "pattern": r"^3\.1\.\d+(-.+)?$"},
        "info": {"$ref": "#/$defs/info"},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
        "paths": {"$ref": "#/$defs/paths"},
    },
    "patternProperties": EXT,
    "additionalProperties": False,
    "$defs": {
        "info": {
            "type": "object", "required": ["title", "version"],
            "properties": {"title": {"type": "string"}, "version": {"type": "string"},
                           "description": {"type": "string"}, "summary": {"type": "string"}},
            "patternProperties": EXT, "additionalProperties": False,
        },
        "tag": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
            "patternProperties": EXT, "additionalProperties": False,
        },
        "paths": {
            "type": "object",
            "patternProperties": {"^/": {"$ref": "#/$defs/path-item"}, "^x-": True},
            "additionalProperties": False,
        },
        "path-item": {
            "type": "object",
            "properties": {m: {"$ref": "#/$defs/operation"}
                           for m in ("get", "put", "post", "delete", "options", "head", "patch", "trace")},
            "patternProperties": EXT, "additionalProperties": False,
        },
        "operation": {
            "type": "object",
            "properties": {
                "tags": {"type": "array", "items": {"type": "string"}},
                "summary": {"type": "string"}, "description": {"type": "string"},
                "operationId": {"type": "string"},
                "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
                "responses": {"$ref": "#/$defs/responses"},
            },
            "patternProperties": EXT, "additionalProperties": False,
        },
        "parameter": {
            "type": "object", "required": ["name", "in"],
            "properties": {
                "name": {"type": "string"}, "in": {"enum": ["query", "header", "path", "cookie"]},
                "required": {"type": "boolean"}, "description": {"type": "string"},
                "schema": {"type": "object"},
            },
            # A path parameter is required, and says so.
            "if": {"properties": {"in": {"const": "path"}}},
            "then": {"properties": {"required": {"const": True}}, "required": ["required"]},
            "patternProperties": EXT, "additionalProperties": False,
        },
        "responses": {
            "type": "object", "minProperties": 1,
            "patternProperties": {"^[1-5](?:[0-9]{2}|XX)$": {"$ref": "#/$defs/response"}, "^x-": True},
            "properties": {"default": {"$ref": "#/$defs/response"}},
            "additionalProperties": False,
        },
        "response": {
            "type": "object", "required": ["description"],
            "properties": {"description": {"type": "string"},
                           "content": {"type": "object", "additionalProperties": {"$ref": "#/$defs/media-type"}}},
            "patternProperties": EXT, "additionalProperties": False,
        },
        "media-type": {
            "type": "object", "properties": {"schema": {"type": "object"}},
            "patternProperties": EXT, "additionalProperties": False,
        },
    },
}


def routes_of(doc):
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def matches(pattern, path):
    """Whether a documented path (with literal values or other parameter
    names) falls on the route pattern."""
    p, q = pattern.strip("/").split("/"), path.strip("/").split("/")
    return len(p) == len(q) and all(a == b or a.startswith("{") for a, b in zip(p, q))


def probe(host, method, path):
    """The answer to the route with its parameters filled in."""
    url = host.url + re.sub(r"\{[^}]+\}", "1", path)
    if path == "/eproc/events":
        return requests.request(method, url, timeout=5, stream=True)  # 401: no credential
    return requests.request(method, url, timeout=10, allow_redirects=False)


def is_transport_refusal(r):
    """No route took it: the transport's 404 or 405 (either dialect's words)."""
    if r.status_code not in (404, 405):
        return False
    body = r.text
    return any(w in body for w in ("unknown endpoint", "method not allowed", "Not Found", "Method Not Allowed"))


def test_the_document_follows_openapi_3_1(host):
    r = requests.get(host.url + "/openapi.json", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [("/".join(map(str, e.path)), e.message) for e in errors[:5]]
    assert doc["openapi"] == "3.1.0"
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    # A path's parameters are the braces of its template.
    for path, item in doc["paths"].items():
        for op in item.values():
            assert sorted(p["name"] for p in op.get("parameters", [])) == sorted(re.findall(r"\{([^}]+)\}", path))
    # Its version is the library's.
    assert doc["info"]["version"] == "0.2.0"


def test_every_operation_in_it_is_served(host):
    doc = requests.get(host.url + "/openapi.json", timeout=5).json()
    for method, path in sorted(routes_of(doc)):
        r = probe(host, method, path)
        assert not is_transport_refusal(r), (method, path, r.status_code, r.text[:200])
        r.close()
    # And the probe does tell a route from no route.
    assert is_transport_refusal(probe(host, "GET", "/no/such/route"))
    assert is_transport_refusal(probe(host, "DELETE", "/eproc/tickets/{id}"))


def test_every_documented_endpoint_that_is_served_is_in_it(host):
    doc = requests.get(host.url + "/openapi.json", timeout=5).json()
    routes = routes_of(doc)
    documented = set()
    for name in ("http.md", "host.md"):
        with open(os.path.join(DOCS, name)) as f:
            for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^` ?]*)", f.read()):
                documented.add((method, path))
    assert len(documented) > 50
    served = 0
    for method, path in sorted(documented):
        listed = any(m == method and matches(p, path) for m, p in routes)
        r = probe(host, method, path)
        if is_transport_refusal(r):
            assert not listed, (method, path)  # documented as refused (GET /signUp)
        else:
            served += 1
            assert listed, (method, path, "served but not in /openapi.json")
        r.close()
    assert served > 50
