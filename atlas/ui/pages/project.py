"""/projet?id=…: the sheet of one project (atlas.ui.sheets)."""

from atlas.ui.sheets import render_sheet


def render() -> None:
    render_sheet("project")
