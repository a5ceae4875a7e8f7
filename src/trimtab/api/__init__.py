"""The REST service: `create_app(settings, engine=...)` builds it; nothing is created at import."""

from trimtab.api.app import create_app

__all__ = ["create_app"]
