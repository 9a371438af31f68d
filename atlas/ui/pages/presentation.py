"""Présentation (workshops): full-screen map, large type, a story stepped with next and previous.

The page fits the screen it is shown on: a small script reports the room left below the map's
top, and the map is drawn that high, so title, text, map and legend show with no scrolling at
1280×720 as at 1920×1080. Arrow keys, Page Up/Page Down and space (what presentation clickers
send) press the ◀ ▶ buttons. The story and the step live in the URL; the session's own story
(built on the Explorer, uploaded or edited here) too, compressed, so a reload keeps it.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v2 as components

from atlas.errors import AtlasError, ImportFileError
from atlas.models import Filters
from atlas.ui import data, widgets
from atlas.ui.i18n import t
from atlas.ui.state import choice, small_int
from atlas.ui.stories import MAX_JSON_BYTES, MAX_TEXT_CHARS, Story, bundled_stories, parse_story, story_to_json

# Static CSS written here (no data inside): hides Streamlit's chrome; type scales with the screen.
PRESENTATION_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], footer { display: none !important; }
.block-container { padding-top: 0.6rem !important; padding-bottom: 0.5rem !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.45rem; }
h1 { font-size: clamp(1.6rem, 4.4vh, 3rem) !important; padding: 0.1rem 0 !important; }
.st-key-step_text p { font-size: clamp(1.05rem, 2.6vh, 1.6rem) !important; line-height: 1.3; }
[data-testid="stMetricValue"] { font-size: clamp(1.3rem, 3.6vh, 2.6rem) !important; }
.st-key-story_prev button, .st-key-story_next button { min-height: 56px; min-width: 72px; }
.st-key-story_prev button p, .st-key-story_next button p { font-size: 1.8rem !important; line-height: 1; }
.st-key-presenter { display: none !important; }
</style>
"""

#: Pixels kept free below the map, and the smallest and largest map heights drawn.
BOTTOM_PAD = 16
MIN_MAP, MAX_MAP, FIRST_MAP = 240, 2000, 420

# Trusted, static script (no data from the URL, files or the database goes into it).
PRESENTER_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  const pad = (data && data.pad) || 16;
  const NEXT = ["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar"];
  const PREV = ["ArrowLeft", "ArrowUp", "PageUp"];
  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target;
    const tag = el && el.tagName ? el.tagName.toLowerCase() : "";
    if (["input", "textarea", "select"].includes(tag) || (el && el.isContentEditable)) return;
    let which = NEXT.includes(e.key) ? "next" : PREV.includes(e.key) ? "prev" : null;
    if (which === "next" && e.shiftKey && (e.key === " " || e.key === "Spacebar")) which = "prev";
    if (!which) return;
    // Streamlit may draw a button twice (one copy hidden, for measuring): press the visible one.
    const button = [...document.querySelectorAll(".st-key-story_" + which + " button")]
      .find(b => b.offsetParent !== null && b.getBoundingClientRect().width > 0);
    if (!button) return;
    e.preventDefault();
    e.stopPropagation();
    if (!button.disabled) button.click();
  }
  window.addEventListener("keydown", onKey, true);
  // Keys pressed after a click on the map reach the map's frame (same origin): listen there too.
  function hookFrames() {
    for (const frame of document.querySelectorAll("iframe")) {
      try {
        const doc = frame.contentDocument;
        if (doc && !doc.__atlasKeys) { doc.__atlasKeys = true; doc.addEventListener("keydown", onKey, true); }
      } catch (err) { /* another origin: not ours */ }
    }
  }
  let last = null;
  function measure() {
    hookFrames();
    // The map being drawn (a replaced one may linger, hidden, while the page reruns).
    const frames = [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')].filter(f => {
      const r = f.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && f.offsetParent !== null;
    });
    if (frames.length !== 1) return;
    // Its top in the page: the app scrolls inside its own container, not the window.
    let top = frames[0].getBoundingClientRect().top;
    for (let el = frames[0].parentElement; el; el = el.parentElement) top += el.scrollTop || 0;
    const room = Math.round(window.innerHeight - top - pad);
    if (last === null || Math.abs(room - last) >= 4) { last = room; setStateValue("room", room); }
  }
  measure();
  const timer = setInterval(measure, 700);
  window.addEventListener("resize", measure);
  return () => {
    clearInterval(timer);
    window.removeEventListener("resize", measure);
    window.removeEventListener("keydown", onKey, true);
  };
}
"""

_presenter = components.component("atlas_presenter", js=PRESENTER_JS)


def _stories() -> dict[str, Story]:
    stories = dict(bundled_stories())
    custom = widgets.session_story()
    if custom:
        stories["session"] = custom
    return stories


#: Session key of the step shown: (story key, step index from 0).
STEP_STATE = "story_step"


def _set_step(to: int) -> None:
    """Go to step `to` (from 0) of the story shown.

    The step lives in the session; the URL mirrors it. A rerun asked for by the page while the
    browser still shows the old URL (the map's measured height, a second quick press) brings the
    browser's query string back into ``st.query_params``: read from the URL alone, the step would
    jump back. A callback runs before the next run renders (which writes the URL): both buttons
    then see the new step."""
    st.session_state[STEP_STATE] = (st.session_state.get("story_key"), to)


def _step_index(key: str, n: int) -> int:
    """The step to show: the session's for this story, else the URL's (a link, a reload), else the first."""
    held = st.session_state.get(STEP_STATE)
    if isinstance(held, tuple) and held[0] == key:
        index = held[1]
    else:
        index = (small_int(str(st.query_params.get("step", "1")), 3) or 1) - 1
    index = min(max(index, 0), n - 1)
    st.session_state[STEP_STATE] = (key, index)
    return index


def _story_changed() -> None:
    _set_step(0)


def _uploaded() -> None:
    """A story file: checked, made the session's story, selected at once, at its first step."""
    upload = st.session_state.get("story_upload")
    st.session_state.pop("story_error", None)
    if upload is None:
        return
    try:
        raw = upload.getvalue()
        if len(raw) > MAX_JSON_BYTES:
            raise ImportFileError(f"{upload.name}: {len(raw)} bytes; a story file holds at most {MAX_JSON_BYTES}")
        story = parse_story(raw, upload.name)
    except ImportFileError as exc:
        st.session_state["story_error"] = widgets.error_text(exc)
        return
    st.session_state["custom_story"] = story
    st.session_state["story_key"] = "session"
    st.session_state["story_rev"] = st.session_state.get("story_rev", 0) + 1
    st.session_state["story_loaded"] = True
    _set_step(0)


def _edit(index: int, field: str, lang: str, key: str) -> None:
    """A step's title or text typed in the settings: the session's story changes (and its URL)."""
    story: Story = st.session_state["custom_story"]
    value = str(st.session_state.get(key) or "")
    step = story.steps[index].edited(lang, **{field: value})
    st.session_state["custom_story"] = Story(title=story.title,
                                             steps=story.steps[:index] + (step,) + story.steps[index + 1:])


def _delete(index: int) -> None:
    story: Story = st.session_state["custom_story"]
    st.session_state["custom_story"] = Story(title=story.title, steps=story.steps[:index] + story.steps[index + 1:])
    st.session_state["story_rev"] = st.session_state.get("story_rev", 0) + 1
    _set_step(max(index - 1, 0))


def _map_height() -> int:
    """The map's height: the room the page's script measured below the map's top, else a guess."""
    state = st.session_state.get("presenter") or {}
    room = state.get("room") if isinstance(state, dict) else getattr(state, "room", None)
    if isinstance(room, (int, float)) and not isinstance(room, bool):
        return int(min(max(room, MIN_MAP), MAX_MAP))
    return FIRST_MAP


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    stories = _stories()
    keys = tuple(stories)
    if st.session_state.get("story_key") not in stories:
        st.session_state["story_key"] = choice(st.query_params, "story", keys) or keys[0]
    key = st.session_state["story_key"]
    story = stories[key]
    n = len(story.steps)
    index = _step_index(key, n)
    widgets.sync_url(Filters(), {"story": key, "step": str(index + 1), **widgets.story_params()})
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
    _presenter(key="presenter", data={"pad": BOTTOM_PAD}, default={"room": None}, on_room_change=lambda: None)

    nav_prev, title_col, nav_next = st.columns([1, 10, 1], vertical_alignment="center")
    nav_prev.button("◀", key="story_prev", help=t("previous", lang), disabled=index == 0,
                    on_click=_set_step, args=(index - 1,))
    nav_next.button("▶", key="story_next", help=t("next", lang), disabled=index == n - 1,
                    on_click=_set_step, args=(index + 1,))
    step = story.steps[index]
    title_col.title(widgets.md_escape(step.label("title", lang)))
    # Story files may come from anyone: their text is escaped, never read as markup.
    with st.container(key="step_text"):
        st.markdown(widgets.md_escape(step.label("text", lang)))
    st.caption(f"{index + 1} / {n} · {widgets.md_escape(story.label(lang))}")

    try:
        links = data.links(path, version, step.filters)
        counts = data.counts(path, version, step.filters)
        widgets.metrics({"links": len(links), **counts}, lang, keys=("links", "fr_authorities", "countries", "projects"))
        if links.empty:
            st.warning(t("no_links", lang))
        else:
            height = _map_height()
            widgets.flow_map(step.filters, step.options(), lang, key=f"presentation_map_{key}_{index}_{height}",
                             height=height)
    except AtlasError as exc:  # a story names a code this database does not hold
        st.error(widgets.error_text(exc))
    _settings(stories, key, index, lang)


def _settings(stories: dict[str, Story], key: str, index: int, lang: str) -> None:
    """Below the map (out of the way while presenting): choose, load, download and edit a story."""
    # Whether it is open lives in the session (a keyed expander): a rerun that redraws the map
    # above it (the measured height arriving, a resized window) cannot close it under the user.
    with st.expander(t("story_settings", lang), expanded=False, key="story_settings_open", on_change="rerun"):
        st.selectbox(t("story", lang), list(stories), format_func=lambda k: stories[k].label(lang), key="story_key",
                     on_change=_story_changed)
        st.file_uploader(t("story_upload", lang), type=["json"], key="story_upload", on_change=_uploaded)
        if st.session_state.pop("story_loaded", False):
            st.success(t("story_loaded", lang))
        if st.session_state.get("story_error"):
            st.error(st.session_state["story_error"])
        st.download_button(t("story_download", lang), story_to_json(stories[key]), file_name=f"{key}.json",
                           mime="application/json", key="story_download")
        if key != "session":
            st.caption(t("story_edit_hint", lang))
            return
        step = stories[key].steps[index]
        rev = st.session_state.get("story_rev", 0)
        title_key, text_key = f"edit_title_{rev}_{index}_{lang}", f"edit_text_{rev}_{index}_{lang}"
        st.text_input(t("step_title", lang), value=step.label("title", lang), key=title_key, max_chars=MAX_TEXT_CHARS,
                      on_change=_edit, args=(index, "title", lang, title_key))
        st.text_area(t("step_text", lang), value=step.label("text", lang), key=text_key, max_chars=MAX_TEXT_CHARS,
                     on_change=_edit, args=(index, "text", lang, text_key))
        st.button(t("step_delete", lang), key="step_delete", on_click=_delete, args=(index,),
                  disabled=len(stories[key].steps) == 1)
