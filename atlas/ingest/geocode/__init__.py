"""Place foreign partners: country, then the place by name in the gazetteer (GeoNames).

Names are matched by key (see normalize.name_key; the same key is computed in SQL for the
~1 million gazetteer names, which is far faster than in Python). A name matches a place's name,
ASCII name or alternate names (French and English exonyms included: "Londres", "Cologne"); an
admin-1 area (state, province, region) is matched too. Between homonyms in one country the
population decides when one place is clearly bigger (five times the next); coordinates given in
the file pick the place they point at, and are flagged when far from the match. Anything else is
*ambiguous* or *unmatched*, with candidates, for the review queue.

Modules: ``keys`` (the gazetteer's name keys, computed in SQL and stored), ``query`` (a partner
to place, and the region/province name rule), ``lookup`` (entities, candidates, fuzzy
suggestions), ``geocoder`` (the decisions).
"""

from __future__ import annotations

from atlas.ingest.geocode.geocoder import (FAR_KM, FUZZY_ACCEPT, FUZZY_GAP, NEAR_KM, POPULATION_DOMINANCE,
                                           PartnerGeocoder)
from atlas.ingest.geocode.keys import KEY_MACRO, KEYS_VERSION, ensure_gazetteer_keys, install_key_macro
from atlas.ingest.geocode.lookup import GazetteerLookup
from atlas.ingest.geocode.query import PartnerQuery, admin_stripped

__all__ = ["FAR_KM", "FUZZY_ACCEPT", "FUZZY_GAP", "KEYS_VERSION", "KEY_MACRO", "NEAR_KM", "POPULATION_DOMINANCE",
           "GazetteerLookup", "PartnerGeocoder", "PartnerQuery", "admin_stripped", "ensure_gazetteer_keys",
           "install_key_macro"]
