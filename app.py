"""Streamlit entry point: page config and navigation only (pages live in atlas/ui)."""

from atlas.ui.app import main

main()
