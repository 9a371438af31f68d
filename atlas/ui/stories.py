"""Stories for workshops: a titled sequence of saved views (filters, levels, colour, width and
text), stored as JSON; a story also travels in a URL (compressed), so it survives a reload."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from atlas import config
from atlas.errors import ImportFileError
from atlas.models import Filters
from atlas.selection import MapOptions
from atlas.ui.state import LIST_FIELDS, VIEW_PARAMS

STORIES_DIR = config.STORIES_DIR

#: View settings a step may set (MapOptions fields) and the values each accepts (first: default).
STEP_OPTIONS: dict[str, tuple[str, ...]] = {field: allowed for field, allowed in VIEW_PARAMS.values()}
#: Longest story kept in a URL (characters of its compressed form) and longest JSON it may unpack
#: to: a URL is typed by people, and a compressed text must not unpack into a bomb.
MAX_URL_CHARS = 16_000
MAX_JSON_BYTES = 400_000
#: Most steps and longest text of a story (a workshop, not a book).
MAX_STEPS = 100
MAX_TEXT_CHARS = 4_000


@dataclass(frozen=True)
class Step:
    title: dict[str, str]
    text: dict[str, str]
    filters: Filters
    origin_level: str = "auto"
    dest_level: str = "auto"
    magnitude: str = "links"
    colour_by: str = "zone"

    def label(self, field: str, lang: str) -> str:
        values = getattr(self, field)
        return values.get(lang) or values.get("fr") or next(iter(values.values()), "")

    def options(self, lang: str | None = None) -> MapOptions:
        """The map options of this step (what the Explorer showed when it was added)."""
        return MapOptions(origin_level=self.origin_level, dest_level=self.dest_level, magnitude=self.magnitude,
                          colour_by=self.colour_by, lang=lang)

    def edited(self, lang: str, title: str | None = None, text: str | None = None) -> "Step":
        """This step with its title and/or text in ``lang`` replaced."""
        changes = {}
        if title is not None:
            changes["title"] = {**self.title, lang: title[:MAX_TEXT_CHARS]}
        if text is not None:
            changes["text"] = {**self.text, lang: text[:MAX_TEXT_CHARS]}
        return replace(self, **changes)


@dataclass(frozen=True)
class Story:
    title: dict[str, str]
    steps: tuple[Step, ...]

    def label(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("fr") or ""


def _text(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"fr": value[:MAX_TEXT_CHARS]}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k)[:8]: v[:MAX_TEXT_CHARS] for k, v in value.items()}
    raise ImportFileError(f"{where}: expected a text or a {{\"fr\": …, \"en\": …}} object, got {value!r}")


def _filters(value: Any, where: str) -> Filters:
    if not isinstance(value, dict):
        raise ImportFileError(f"{where}: expected an object of filters, got {value!r}")
    unknown = set(value) - set(LIST_FIELDS) - {"years"}
    if unknown:
        raise ImportFileError(f"{where}: unknown filter(s) {sorted(unknown)}; expected {list(LIST_FIELDS) + ['years']}")
    kwargs = dict(value)
    for name, values in kwargs.items():
        kind = int if name in ("sdgs", "years") else str
        if name == "years" and values is None:
            continue
        if (not isinstance(values, list) or len(values) > 1000
                or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values)):
            raise ImportFileError(f"{where}: {name}: expected a list of {'numbers' if kind is int else 'texts'}")
    if kwargs.get("years") is not None:
        if len(kwargs["years"]) != 2:
            raise ImportFileError(f"{where}: years: expected [first, last]")
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
    if len(doc["steps"]) > MAX_STEPS:
        raise ImportFileError(f"{name}: {len(doc['steps'])} steps; a story holds at most {MAX_STEPS}")
    steps = []
    for i, s in enumerate(doc["steps"], start=1):
        where = f"{name}, step {i}"
        if not isinstance(s, dict):
            raise ImportFileError(f"{where}: expected an object, got {s!r}")
        steps.append(Step(title=_text(s.get("title", f"{i}"), where), text=_text(s.get("text", ""), where),
                          filters=_filters(s.get("filters", {}), where), **_options(s, where)))
    return Story(title=_text(doc.get("title", name), name), steps=tuple(steps))


def _options(step: dict, where: str) -> dict[str, str]:
    """The view settings of a step (levels, width, colour), each one of the values the app offers."""
    out = {}
    for field, allowed in STEP_OPTIONS.items():
        value = step.get(field, allowed[0])
        if value not in allowed:
            raise ImportFileError(f"{where}: {field} {str(value)[:80]!r} is not one of {list(allowed)}")
        out[field] = value
    return out


def story_to_json(story: Story, compact: bool = False) -> str:
    """JSON text of a story (the format parse_story reads)."""
    def filters(f: Filters) -> dict[str, Any]:
        out: dict[str, Any] = {k: list(getattr(f, k)) for k in LIST_FIELDS if getattr(f, k)}
        if f.years:
            out["years"] = list(f.years)
        return out

    return json.dumps({"title": story.title, "steps": [
        {"title": s.title, "text": s.text, "filters": filters(s.filters),
         **{field: getattr(s, field) for field in STEP_OPTIONS}} for s in story.steps]},
        ensure_ascii=False, **({"separators": (",", ":")} if compact else {"indent": 2}))


def story_to_param(story: Story) -> str | None:
    """The story as one URL-safe text (compressed JSON), or None when it is too long for a URL."""
    packed = zlib.compress(story_to_json(story, compact=True).encode("utf-8"), 9)
    text = base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    return text if len(text) <= MAX_URL_CHARS else None


def story_from_param(text: str) -> Story | None:
    """The story of a URL parameter, or None when it is not one (a URL is typed by people: a
    damaged, hostile or oversized value is ignored, never a crash)."""
    text = str(text or "").strip()
    if not text or len(text) > MAX_URL_CHARS or not text.isascii():
        return None
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(packed, MAX_JSON_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            return None  # longer than any story, or cut short
        return parse_story(raw, "URL")
    except (binascii.Error, ValueError, zlib.error, ImportFileError):
        return None


def bundled_stories(directory: Path = STORIES_DIR) -> dict[str, Story]:
    """Stories shipped in atlas/data/stories/*.json (package data), by file stem."""
    return {p.stem: parse_story(p.read_text(encoding="utf-8"), p.name) for p in sorted(directory.glob("*.json"))}
