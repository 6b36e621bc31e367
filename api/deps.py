"""Request dependencies, as ``Annotated`` aliases for route signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..graph.store import Store
from .settings import Settings

__all__ = ["SettingsDep", "StoreDep"]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
