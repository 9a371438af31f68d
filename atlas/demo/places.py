"""Foreign places of the demonstration: GeoNames places per country, drawn mostly without
replacement, bigger places more often (atlas.demo.generator)."""

from __future__ import annotations

import itertools
import math
import random

import pandas as pd


class PlacePool:
    """Foreign places per country, drawn mostly without replacement, bigger places first."""

    def __init__(self, gazetteer: pd.DataFrame, rng: random.Random) -> None:
        self.rng = rng
        self.by_country: dict[str, list[tuple]] = {}
        cols = ["geonames_id", "name", "country_iso2", "admin1_code", "population", "lon", "lat"]
        # Column by column, then row tuples: itertuples over 235,000 places reads Arrow-backed
        # text one value at a time (about 5x slower). Same tuples, in the gazetteer's order within
        # each country, countries sorted (as groupby gave them).
        columns = [gazetteer[c].tolist() for c in cols]
        for row in zip(*columns):
            self.by_country.setdefault(str(row[2]), []).append(row)
        self.by_country = dict(sorted(self.by_country.items()))
        self.used: set[int] = set()
        self._cum: dict[str, list[float]] = {}

    def countries(self) -> set[str]:
        return set(self.by_country)

    def draw(self, cc: str) -> tuple | None:
        places = self.by_country.get(cc)
        if not places:
            return None
        # Population-weighted choice among the 600 biggest places: capitals and big towns have
        # many partners, small towns one.
        if cc not in self._cum:
            head = places[:600]
            self._cum[cc] = list(itertools.accumulate(math.sqrt(max(p[4], 500)) for p in head))
        head = places[:600]
        for _ in range(8):
            place = self.rng.choices(head, cum_weights=self._cum[cc], k=1)[0]
            if place[0] not in self.used or self.rng.random() < 0.08:
                self.used.add(place[0])
                return place
        for place in places:  # fall back to the first unused place
            if place[0] not in self.used:
                self.used.add(place[0])
                return place
        return head[0]
