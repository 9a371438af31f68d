"""Stories for workshops: a titled sequence of saved views (filters + text), stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas import config
from atlas.errors import ImportFileError
from atlas.models import Filters
from atlas.ui.state import LIST_FIELDS

STORIES_DIR = config.STORIES_DIR


@dataclass(frozen=True)
class Step:
    title: dict[str, str]
    text: dict[str, str]
    filters: Filters
    origin_level: str = "auto"
    dest_level: str = "auto"

    def label(self, field: str, lang: str) -> str:
        values = getattr(self, field)
        return values.get(lang) or values.get("fr") or next(iter(values.values()), "")


@dataclass(frozen=True)
class Story:
    title: dict[str, str]
    steps: tuple[Step, ...]

    def label(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("fr") or ""


def _text(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"fr": value}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise ImportFileError(f"{where}: expected a text or a {{\"fr\": …, \"en\": …}} object, got {value!r}")


def _filters(value: Any, where: str) -> Filters:
    if not isinstance(value, dict):
        raise ImportFileError(f"{where}: expected an object of filters, got {value!r}")
    unknown = set(value) - set(LIST_FIELDS) - {"years"}
    if unknown:
        raise ImportFileError(f"{where}: unknown filter(s) {sorted(unknown)}; expected {list(LIST_FIELDS) + ['years']}")
    kwargs = dict(value)
    if "years" in kwargs and kwargs["years"] is not None:
        kwargs["years"] = tuple(kwargs["years"])
    try:
        return Filters(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ImportFileError(f"{where}: {exc}") from exc


def parse_story(raw: str | bytes, name: str = "story") -> Story:
    """A story from JSON text; errors say which step and field is wrong."""
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list) or not doc["steps"]:
        raise ImportFileError(f"{name}: expected an object with a non-empty \"steps\" list")
    steps = []
    for i, s in enumerate(doc["steps"], start=1):
        where = f"{name}, step {i}"
        if not isinstance(s, dict):
            raise ImportFileError(f"{where}: expected an object, got {s!r}")
        steps.append(Step(title=_text(s.get("title", f"{i}"), where), text=_text(s.get("text", ""), where),
                          filters=_filters(s.get("filters", {}), where),
                          origin_level=str(s.get("origin_level", "auto")), dest_level=str(s.get("dest_level", "auto"))))
    return Story(title=_text(doc.get("title", name), name), steps=tuple(steps))


def story_to_json(story: Story) -> str:
    """JSON text of a story (the format parse_story reads)."""
    def filters(f: Filters) -> dict[str, Any]:
        out: dict[str, Any] = {k: list(getattr(f, k)) for k in LIST_FIELDS if getattr(f, k)}
        if f.years:
            out["years"] = list(f.years)
        return out

    return json.dumps({"title": story.title, "steps": [
        {"title": s.title, "text": s.text, "filters": filters(s.filters), "origin_level": s.origin_level,
         "dest_level": s.dest_level} for s in story.steps]}, ensure_ascii=False, indent=2)


def bundled_stories(directory: Path = STORIES_DIR) -> dict[str, Story]:
    """Stories shipped in atlas/data/stories/*.json (package data), by file stem."""
    return {p.stem: parse_story(p.read_text(encoding="utf-8"), p.name) for p in sorted(directory.glob("*.json"))}
