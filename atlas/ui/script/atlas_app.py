"""The script Streamlit runs for each session (the pages live in atlas.ui.pages).

It sits in a folder of its own: Streamlit treats a ``pages/`` folder beside the main script as
pages of an old-style multipage app, which would compete with st.navigation.
"""

from atlas.ui.app import main

main()
