"""`/docs`: the API reference rendered on the server from the app's own OpenAPI schema.

FastAPI's interactive docs load Swagger UI from a CDN; the desk may run with no network, so the
reference is plain HTML from the schema itself (no JavaScript, nothing fetched elsewhere).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


def type_of(schema: dict[str, Any]) -> str:
    """A short type name for a JSON schema fragment."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list[{type_of(schema.get('items', {}))}]"
    return str(schema.get("format") or schema.get("type") or "any")


def operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            answers = [(code, r.get("description", "")) for code, r in op["responses"].items()]
            groups.setdefault((op.get("tags") or ["other"])[0], []).append({
                "id": op.get("operationId", f"{method}{path}"), "method": method, "path": path,
                "summary": op.get("summary"), "description": op.get("description"),
                "parameters": [{**p, "type": type_of(p.get("schema", {}))}
                               for p in op.get("parameters", [])],
                "body": type_of(body["schema"]) if body else None,
                "responses": answers,
            })  # fmt: skip
    return list(groups.items())


def schemas(spec: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [(f, type_of(s), f in required) for f, s in schema.get("properties", {}).items()]
        out.append((name, fields))
    return out


@router.get("/docs")
def api_reference(request: Request) -> HTMLResponse:
    """Public, like /openapi.json: it describes the API, it gives no access to any data."""
    spec = request.app.openapi()
    templates = request.app.state.templates
    context = {"request": request, "who": None, "csrf": None, "spec": spec,
               "groups": operations(spec), "schemas": schemas(spec)}  # fmt: skip
    return templates.TemplateResponse(request, "apidocs.html", context)
