"""A registry of interchangeable variants (source kinds, site formats): names map to
objects, and a variant registered by module path is imported only when first used, so
validating a config or printing `--help` never imports a parser or an HTTP stack."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import TypeVar

T = TypeVar("T")


class Registry(MutableMapping[str, T]):
    def __init__(self) -> None:
        self._objects: dict[str, T] = {}
        self._lazy: dict[str, str] = {}

    def register(self, name: str, variant: T) -> None:
        """Register an object under `name` (a third-party variant does this)."""
        self._lazy.pop(name, None)
        self._objects[name] = variant

    def register_lazy(self, name: str, target: str) -> None:
        """Register `module:factory`; the factory is imported and called on first use."""
        self._objects.pop(name, None)
        self._lazy[name] = target

    def __getitem__(self, name: str) -> T:
        if name not in self._objects:
            target = self._lazy[name]  # KeyError for an unknown name, as a dict would
            module, _, attribute = target.partition(":")
            factory: Callable[[], T] = getattr(importlib.import_module(module), attribute)
            self._objects[name] = factory()
            del self._lazy[name]
        return self._objects[name]

    def __setitem__(self, name: str, variant: T) -> None:
        self.register(name, variant)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._objects.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self._objects, *self._lazy}))

    def __len__(self) -> int:
        return len({*self._objects, *self._lazy})

    def __contains__(self, name: object) -> bool:
        return name in self._objects or name in self._lazy
