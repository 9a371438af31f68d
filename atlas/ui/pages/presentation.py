"""Présentation (workshops): full-screen map, large type, a story stepped with next and previous."""

from __future__ import annotations

import streamlit as st

from atlas.errors import ImportFileError
from atlas.selection import MapOptions
from atlas.ui import data, widgets
from atlas.ui.i18n import t
from atlas.ui.stories import Step, Story, bundled_stories, parse_story, story_to_json

# Static CSS written here (no data inside): hides Streamlit's chrome and enlarges the type.
PRESENTATION_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], footer { display: none !important; }
.block-container { padding-top: 1rem !important; padding-bottom: 0 !important; max-width: 100% !important; }
h1 { font-size: 3rem !important; }
.st-key-step_text p { font-size: 1.6rem !important; line-height: 1.35; }
[data-testid="stMetricValue"] { font-size: 2.6rem !important; }
div.stButton > button { font-size: 1.3rem; padding: 0.4rem 1.4rem; }
</style>
"""


def _stories(lang: str) -> dict[str, Story]:
    stories = dict(bundled_stories())
    custom = st.session_state.get("custom_story")
    if custom:
        stories["session"] = custom
    return stories


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    stories = _stories(lang)
    with st.expander(t("story_settings", lang), expanded=False):
        key = st.selectbox(t("story", lang), list(stories), format_func=lambda k: stories[k].label(lang),
                           key="story_key")
        upload = st.file_uploader(t("story_upload", lang), type=["json"], key="story_upload")
        if upload is not None:
            try:
                st.session_state["custom_story"] = parse_story(upload.getvalue(), upload.name)
                st.success(t("story_loaded", lang))
            except ImportFileError as exc:
                st.error(widgets.error_text(exc))
        st.download_button(t("story_download", lang), story_to_json(stories[key]), file_name=f"{key}.json",
                           mime="application/json", key="story_download")
    story = stories[key]
    n = len(story.steps)
    try:
        index = min(max(int(st.query_params.get("step", "1")) - 1, 0), n - 1)
    except ValueError:
        index = 0
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)

    def go(to: int) -> None:
        # A callback runs before the next run renders: both buttons then see the new step.
        st.query_params["step"] = str(min(max(to, 0), n - 1) + 1)

    nav_prev, title_col, nav_next = st.columns([1, 8, 1], vertical_alignment="center")
    nav_prev.button("◀", key="story_prev", help=t("previous", lang), disabled=index == 0,
                    on_click=go, args=(index - 1,))
    nav_next.button("▶", key="story_next", help=t("next", lang), disabled=index == n - 1,
                    on_click=go, args=(index + 1,))
    step: Step = story.steps[index]
    st.query_params["step"] = str(index + 1)
    title_col.title(widgets.md_escape(step.label("title", lang)))
    # Story files may come from anyone: their text is escaped, never read as markup.
    with st.container(key="step_text"):
        st.markdown(widgets.md_escape(step.label("text", lang)))
    st.caption(f"{index + 1} / {n} · {widgets.md_escape(story.label(lang))}")

    links = data.links(path, version, step.filters)
    counts = data.counts(path, version, step.filters)
    widgets.metrics({"links": len(links), **counts}, lang, keys=("links", "fr_authorities", "countries", "projects"))
    if links.empty:
        st.warning(t("no_links", lang))
        return
    widgets.flow_map(step.filters, MapOptions(origin_level=step.origin_level, dest_level=step.dest_level), lang,
                     key=f"presentation_map_{key}_{index}", height=760)
