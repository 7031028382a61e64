"""The web app: the director's dashboard and the scenario workbench.

``create_app()`` builds the FastAPI application (server-rendered pages, a JSON API under ``/api/``).
It is an adapter: it loads, calls the model through :mod:`byibalance.web.model` and renders.
"""

from __future__ import annotations

from byibalance.web.app import create_app

__all__ = ["create_app"]
