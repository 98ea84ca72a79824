"""What the reader remembers between sessions: the theme, the layout toggles and when it was last
closed, in a small JSON file beside the store, sharing its stem (``newstui.ui.json``).

Written atomically (a temporary file renamed over the old one); a missing or damaged file, or
one with values of the wrong kind, gives the defaults for what it cannot tell.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

@dataclass(slots=True)
class UiState:
    theme: str = ""  # the last theme chosen ("" = none yet)
    config_theme: str = ""  # [settings] theme when it was chosen: an edited setting wins over it
    hide_related: bool = False
    wide_article: bool = False
    zen: bool = False
    last_closed: float | None = None  # when the reader was last closed (seconds since the epoch)


def state_path(store_path: str | os.PathLike[str] | None) -> Path | None:
    """The state file beside the store (None for a store without a file)."""
    if not store_path:
        return None
    path = Path(store_path).expanduser()
    return path.with_name(f"{path.stem}.ui.json")


def load_state(path: Path | None) -> UiState:
    state = UiState()
    if path is None:
        return state
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return state
    if not isinstance(data, dict):
        return state
    for field in fields(UiState):
        value = data.get(field.name)
        default = getattr(state, field.name)
        if field.name == "last_closed":
            if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
                state.last_closed = float(value)
        elif value is not None and type(value) is type(default):
            setattr(state, field.name, value)
    return state


def save_state(path: Path | None, state: UiState) -> bool:
    """Write ``state`` atomically; False (and nothing changed) when it cannot be written."""
    if path is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".newstui.ui.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(asdict(state), out, indent=2)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def start_theme(state: UiState, setting: str) -> str:
    """The theme to start with: [settings] theme when it was edited since the last choice in the
    reader, else that choice, else the setting ("" = Textual's default)."""
    if setting and setting != state.config_theme:
        return setting
    return state.theme or setting
