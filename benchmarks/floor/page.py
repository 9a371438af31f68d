"""The smallest page of the app's stack: one key figure and one st_folium map of one line.

benchmarks/app_timings.py serves it beside the atlas (benchmarks/floor/server.py) and times it the
same way, as the floor of what Streamlit, st_folium and Leaflet take in the same browser on the
same machine: what no change to the atlas's own pages can go below.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from atlas.maps.assets import use_served_assets

st.metric("Liens", 1)
m = folium.Map(location=[46, 2], zoom_start=5, tiles=None)
folium.GeoJson({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
    "type": "LineString", "coordinates": [[2.35, 48.85], [13.4, 52.52]]}}]}).add_to(m)
use_served_assets(m)  # Leaflet from the server's /vendor/leaflet, as the atlas's maps
st_folium(m, height=600, use_container_width=True, returned_objects=[])
