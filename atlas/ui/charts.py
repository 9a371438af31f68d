"""Charts (Vega-Lite through Altair, bundled with Streamlit: no network needed)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from atlas.models import SDGS, THEME_BY_CODE


def timeline_frame(by_year: pd.DataFrame, this_year: int | None = None) -> pd.DataFrame:
    """The years worth showing: from the first year with data to the last one (never past this
    year), so sparse data draws no flat line across empty decades and the axis does not run on
    into years not yet reported."""
    import datetime as dt

    this_year = this_year or dt.date.today().year
    df = by_year[by_year["year"] <= this_year]
    active = df[(df["partnerships_started"] > 0) | (df["projects_running"] > 0)]
    if active.empty:
        return df.iloc[0:0]
    return df[(df["year"] >= active["year"].min()) & (df["year"] <= active["year"].max())]


def timeline(by_year: pd.DataFrame, lang: str) -> alt.Chart:
    """Partnerships signed per year (bars) and projects running (a step line): whole numbers,
    one value per year, no line drawn between sparse years."""
    fr = lang == "fr"
    df = timeline_frame(by_year)
    signed = "Partenariats signés" if fr else "Partnerships signed"
    running = "Projets en cours" if fr else "Projects running"
    year = alt.X("year:O", title="Année" if fr else "Year",
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy", values=[int(y) for y in df["year"] if y % 5 == 0]))
    y_axis = alt.Axis(format="d", tickMinStep=1)
    colours = alt.Scale(domain=[signed, running], range=["#1d4ed8", "#f97316"])
    bars = (alt.Chart(df.assign(series=signed)).mark_bar(opacity=0.85)
            .encode(x=year, y=alt.Y("partnerships_started:Q", title=None, axis=y_axis),
                    color=alt.Color("series:N", title=None, scale=colours, legend=alt.Legend(orient="top")),
                    tooltip=[alt.Tooltip("year:O", title="Année" if fr else "Year"),
                             alt.Tooltip("partnerships_started:Q", title=signed, format="d")]))
    steps = (alt.Chart(df.assign(series=running)).mark_line(interpolate="step", strokeWidth=2)
             .encode(x=year, y=alt.Y("projects_running:Q", title=None, axis=y_axis),
                     color=alt.Color("series:N", title=None, scale=colours),
                     tooltip=[alt.Tooltip("year:O", title="Année" if fr else "Year"),
                              alt.Tooltip("projects_running:Q", title=running, format="d")]))
    return alt.layer(bars, steps).properties(height=260)


def top_countries(links: pd.DataFrame, lang: str, n: int = 15) -> alt.Chart:
    fr = lang == "fr"
    name = "country_name_fr" if fr else "country_name_en"
    counts = (links.groupby(["country_iso2", name]).size().rename("links").reset_index()
              .sort_values("links", ascending=False).head(n))
    return (alt.Chart(counts).mark_bar(color="#1d4ed8")
            .encode(x=alt.X("links:Q", title="Liens" if fr else "Links"),
                    y=alt.Y(f"{name}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                    tooltip=[f"{name}:N", "links:Q"])
            .properties(height=max(160, 22 * len(counts))))


def sdg_table(sdg_projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The 17 SDGs with their distinct project counts (``sdg_projects``: atlas.db.queries.sdg_projects)."""
    fr = lang == "fr"
    per_sdg = dict(zip(sdg_projects["sdg"], sdg_projects["projects"])) if len(sdg_projects) else {}
    return pd.DataFrame([{"sdg": s.number, "label": f"{s.number} · {s.name_fr if fr else s.name_en}",
                        "colour": s.colour, "projects": int(per_sdg.get(s.number, 0))} for s in SDGS])


def sdg_bars(sdg_projects: pd.DataFrame, lang: str) -> alt.Chart:
    """Distinct projects per SDG in the official colours (a project with two SDGs is in both bars)."""
    fr = lang == "fr"
    df = sdg_table(sdg_projects, lang)
    return (alt.Chart(df).mark_bar()
            .encode(x=alt.X("projects:Q", title="Projets" if fr else "Projects"),
                    y=alt.Y("label:N", sort=alt.SortField("sdg"), title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
                    color=alt.Color("colour:N", scale=None),
                    tooltip=["label:N", "projects:Q"])
            .properties(height=17 * 22))


def themes_by_sdg(themes_sdgs: pd.DataFrame, lang: str) -> alt.Chart:
    """Heat map: themes × SDGs (number of projects)."""
    fr = lang == "fr"
    df = themes_sdgs.copy()
    df["theme"] = [THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en
                   if c in THEME_BY_CODE else c for c in df["theme_code"]]
    return (alt.Chart(df).mark_rect()
            .encode(x=alt.X("sdg:O", title="ODD" if fr else "SDG"),
                    y=alt.Y("theme:N", title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
                    color=alt.Color("projects:Q", title="Projets" if fr else "Projects",
                                    scale=alt.Scale(scheme="blues")),
                    tooltip=["theme:N", "sdg:O", "projects:Q"])
            .properties(height=max(200, 20 * df["theme"].nunique())))


def bar_counts(df: pd.DataFrame, label: str, value: str, title: str, colour: str = "#1d4ed8",
               colour_field: str | None = None, legend_field: str | None = None,
               legend_title: str | None = None) -> alt.Chart:
    """A horizontal bar chart of ``value`` by ``label``. ``colour_field`` holds each bar's colour;
    with ``legend_field`` (what the colour stands for) a legend names the colours."""
    enc = {"x": alt.X(f"{value}:Q", title=title), "y": alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
           "tooltip": [f"{label}:N", f"{value}:Q"]}
    mark = alt.Chart(df).mark_bar(color=colour)
    if colour_field and legend_field:
        pairs = df[[legend_field, colour_field]].drop_duplicates(legend_field).sort_values(legend_field)
        enc["color"] = alt.Color(f"{legend_field}:N", title=legend_title,
                                 scale=alt.Scale(domain=pairs[legend_field].tolist(), range=pairs[colour_field].tolist()),
                                 legend=alt.Legend(orient="bottom", columns=1, labelLimit=400))
        enc["tooltip"] = [*enc["tooltip"], f"{legend_field}:N"]
    elif colour_field:
        enc["color"] = alt.Color(f"{colour_field}:N", scale=None)
    return mark.encode(**enc).properties(height=max(140, 22 * len(df)))
