"""The registered surfaces. Adding a chat platform = its package under handlers/ and one line
here (docs/adding-a-surface.md). The console is not listed: it is the terminal itself, started
by `python app.py chat` (handlers/console_surface.py)."""

from __future__ import annotations

import importlib
import logging

from handlers.surface import Mode, Surface

log = logging.getLogger(__name__)

# name → "module:factory"; factories are imported only when app.py serves.
REGISTERED: dict[str, str] = {
    "slack": "handlers.slack.surface:build_surface",
    "teams": "handlers.teams.surface:build_surface",
}


def build_surfaces(config, core, mode: Mode) -> list[Surface]:
    """Every registered surface that is configured for `mode`, in registration order."""
    surfaces = []
    for name, spec in REGISTERED.items():
        module, _, factory = spec.partition(":")
        surface = getattr(importlib.import_module(module), factory)(config, core, mode)
        if surface is None:
            log.info("%s: not configured for this mode, off", name)
            continue
        if not isinstance(surface, Surface) or surface.name != name:
            raise TypeError(f"{spec} did not build a Surface named {name!r}")
        surfaces.append(surface)
    return surfaces
