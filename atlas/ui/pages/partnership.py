"""/partenariat?id=…: the sheet of one partnership and its projects (atlas.ui.sheets)."""

from atlas.ui.sheets import render_sheet


def render() -> None:
    render_sheet("partnership")
