"""Where the authority search puts the authority each official form names (issue 12), and how long
it takes: one line per form, rank 1 = first suggestion.

    python benchmarks/search_ranks.py [--db data/atlas.duckdb]

The wanted ids are read from the reference tables by name, as tests/test_search_authorities.py
does; the first search of a database file includes folding its names once (about a second).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas.db.connection import ReadOnlyDatabase  # noqa: E402
from atlas.db.queries import search_authorities  # noqa: E402
from atlas.reference.regions_2016 import OLD_REGIONS  # noqa: E402
from tests.test_search_authorities import OFFICIAL_FORMS, TABLES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/atlas.duckdb")
    db = ReadOnlyDatabase(parser.parse_args().db)
    forms = list(OFFICIAL_FORMS) + [(old, "region", None) for old in sorted(OLD_REGIONS)]
    worst = 0
    search_authorities(db, "warm up")  # folds the names once
    print(f"{'rank':>4}  {'ms':>5}  {'typed':46} found")
    for query, level, name in forms:
        table, code, prefix = TABLES[level]
        if name is None:
            wanted = "region:" + OLD_REGIONS[query][1]
        else:
            order = "population DESC" if level == "commune" else code
            wanted = prefix + db.rows(f"SELECT {code} FROM {table} WHERE name = $n ORDER BY {order}", {"n": name})[0][0]
        start = time.perf_counter()
        found = search_authorities(db, query, limit=20)
        ms = (time.perf_counter() - start) * 1000
        ids = found["id"].tolist()
        rank = ids.index(wanted) + 1 if wanted in ids else None
        worst = max(worst, rank or 99)
        shown = found["name"][ids.index(wanted)] if rank else "-"
        print(f"{rank if rank else '-':>4}  {ms:5.0f}  {query:46} {wanted} {shown}")
    print(f"worst rank: {worst if worst < 99 else 'not found'}")
    return 0 if worst <= 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
