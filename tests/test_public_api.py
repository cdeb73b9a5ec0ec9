"""The public API is what `mentorfeed.__all__` names: every name there is exported, every public
name exported is there, and each has a docstring a user can read with help()."""

from __future__ import annotations

import inspect

import mentorfeed
from mentorfeed import service


def test_all_names_every_public_export() -> None:
    # Subpackages become attributes once imported; of those only `service` is the API.
    public = {name for name, value in vars(mentorfeed).items()
              if not name.startswith("_") and not inspect.ismodule(value)} - {"version"}
    assert public | {"__version__", "service"} == set(mentorfeed.__all__)
    assert mentorfeed.__all__ == sorted(mentorfeed.__all__)


def test_every_export_is_documented() -> None:
    for name in mentorfeed.__all__:
        value = getattr(mentorfeed, name)
        if name != "__version__":
            assert inspect.getdoc(value), f"mentorfeed.{name} has no docstring"


def test_the_service_package_lists_its_modules() -> None:
    modules = {name for name, value in vars(service).items() if inspect.ismodule(value)}
    assert modules == set(service.__all__)
    for name in service.__all__:
        assert inspect.getdoc(getattr(service, name)), f"service.{name} has no docstring"
