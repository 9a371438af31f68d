"""Match French authorities to the COG: communes, EPCI, départements, régions.

Order of evidence: a review decision already taken for the same value; an INSEE code (current or
old, merged communes follow to their current commune); a SIREN; the name, restricted to the
département or région when the file gives one. Names are compared as keys (case, accents,
hyphens, apostrophes, Saint/St/Ste and leading articles do not matter). Several homonyms and no
département to choose between them -> *ambiguous* with candidates, never a guess; a fuzzy match is
accepted only inside a known département and only when clearly the best.

Modules: ``names`` (name rules: old régions, level words, EPCI keys), ``index`` (the COG loaded
for matching), ``matcher`` (the cascade of evidence and its decisions).
"""

from __future__ import annotations

from atlas.ingest.distance import haversine_km
from atlas.ingest.match_fr.index import FrenchIndex
from atlas.ingest.match_fr.matcher import FUZZY_ACCEPT, FUZZY_GAP, NEAR_KM, FrenchMatcher
from atlas.ingest.match_fr.names import OLD_REGIONS, epci_key

__all__ = ["FUZZY_ACCEPT", "FUZZY_GAP", "NEAR_KM", "OLD_REGIONS", "FrenchIndex", "FrenchMatcher", "epci_key",
           "haversine_km"]
