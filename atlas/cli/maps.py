"""`atlas map` and `atlas export`: maps and data of a selection, from the command line.

    atlas map --theme eau --years 2010-2020 --origin-level region --dest-level country -o eau.pdf
    atlas map --region 76 --each departement -o maps/            # one map per département
    atlas map --authority commune:26198 --projection lambert-93 -o maps/   # maps/montelimar-liens.pdf
    atlas export --country SN,ML -o sahel.gpkg
    atlas export --region 76 -o occitanie_flowmap                 # locations.csv + flows.csv

Filters are repeatable or comma-separated. Files written are listed on stdout; diagnostics go
to stderr. Exit codes: 0 success, 1 atlas error (bad filter, unknown format…), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from atlas.errors import AtlasError, QueryError
from atlas.maps.output import checked_output
from atlas.maps.projection_names import PROJECTION_ALIASES, PROJECTION_CHOICES
from atlas.models import COLOUR_BY, DEST_LEVELS, MAGNITUDES, ORIGIN_LEVELS
from atlas.models import Filters
from atlas.text import fold

#: (option, Filters field, help)
FILTER_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--theme", "themes", "theme code, e.g. eau, sante"),
    ("--country", "countries", "partner country, ISO alpha-2, e.g. SN"),
    ("--sdg", "sdgs", "SDG number 1–17"),
    ("--zone", "zones", "ministry zone, e.g. Europe"),
    ("--region", "regions", "INSEE code of the French région, e.g. 76"),
    ("--departement", "departements", "INSEE code of the French département, e.g. 31"),
    ("--level", "levels", "level of the French authority: region, departement, epci, commune"),
    ("--kind", "kinds", "kind of action, e.g. jumelage"),
    ("--funding", "funding", "funding instrument, e.g. oudin_santini"),
    ("--status", "status", "en_cours, termine, en_projet, suspendu"),
    ("--authority", "authorities", "French authority id, e.g. commune:31555"),
    ("--source", "sources", "real (imported from a source) or demo (invented demonstration records)"),
)


def add_filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (repeatable or comma-separated)")
    for option, _field, help_ in FILTER_OPTIONS:
        g.add_argument(option, action="append", default=[], metavar="VALUE", help=help_)
    g.add_argument("--years", metavar="FIRST-LAST", help="years, e.g. 2010-2020 (or one year)")


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def filters_from_args(args: argparse.Namespace) -> Filters:
    """A Filters object from the filter options."""
    kwargs: dict[str, object] = {}
    for option, field, _help in FILTER_OPTIONS:
        values = _split(getattr(args, option.lstrip("-").replace("-", "_")))
        if field == "sdgs":
            try:
                kwargs[field] = [int(v) for v in values]
            except ValueError:
                raise QueryError(f"--sdg: expected SDG numbers 1–17, got {values}") from None
        else:
            kwargs[field] = values
    if args.years:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*", args.years)
        if not m:
            raise QueryError(f"--years: expected FIRST-LAST such as 2010-2020, got {args.years!r}")
        kwargs["years"] = (int(m.group(1)), int(m.group(2) or m.group(1)))
    try:
        return Filters(**kwargs)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise QueryError(str(exc)) from exc


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _names_a_folder(output: str | None) -> bool:
    """-o left out (the current folder) or ending with a separator ("maps/"): the map is named after
    the selection. An existing folder named without the separator is still refused as a file name."""
    return output is None or output.endswith(("/", os.sep))


def cmd_map(args: argparse.Namespace) -> int:
    import atlas
    from atlas.maps.export import selection_file_name
    from atlas.selection import MapOptions
    from atlas.selection.products import select_view, write_map

    folder_out = bool(args.each) or _names_a_folder(args.output)
    out = checked_output(args.output or ".", folder=folder_out)
    filters = filters_from_args(args)
    projection = PROJECTION_ALIASES.get(args.projection, args.projection)
    with atlas.open(args.db) as handle:
        kwargs = dict(origin_level=args.origin_level, dest_level=args.dest_level, magnitude=args.magnitude,
                      colour_by=args.colour_by, view=args.view, layout=args.layout, max_flows=args.max_flows,
                      lang=args.lang, title=args.title, projection=projection)
        if args.each:
            return _batch(handle, filters, args, out, kwargs)
        t0 = time.perf_counter()
        if folder_out:  # named after the selection: montelimar-liens.pdf
            sel = select_view(handle.db, filters, MapOptions(**kwargs))
            name = selection_file_name(sel.title, sel.description, args.format, sel.options.language)
            path = write_map(sel, checked_output(out / name, protect=(handle.db.path,)))
        else:
            path = handle.export_map(filters, out, **kwargs)
        _err(f"atlas map: wrote {path} in {time.perf_counter() - t0:.1f} s")
        print(path)
    return 0


def _batch(handle, filters: Filters, args: argparse.Namespace, folder: Path, kwargs: dict) -> int:
    from dataclasses import replace

    from atlas.selection.products import batch_areas

    if folder.suffix:
        raise QueryError(f"--each writes one map per area into a folder; got a file name {folder.name!r}")
    folder = checked_output(folder, folder=True)
    areas = batch_areas(handle.db, filters, args.each)
    if not areas:
        _err("atlas map: no links match these filters: nothing written")
        return 0
    field = "regions" if args.each == "region" else "departements"
    ext = "." + args.format.lstrip(".")
    for code, name in areas:
        sub = replace(filters, **{field: (code,)})
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or code
        path = handle.export_map(sub, folder / f"{args.each}-{code}-{slug}{ext}", **kwargs)
        print(path)
    _err(f"atlas map: wrote {len(areas)} maps into {folder}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import atlas

    filters = filters_from_args(args)
    with atlas.open(args.db) as handle:
        t0 = time.perf_counter()
        paths = handle.export_data(filters, args.output, origin_level=args.origin_level, dest_level=args.dest_level,
                                   magnitude=args.magnitude, fmt=args.format, max_flows=args.max_flows)
    for p in paths:
        print(p)
    _err(f"atlas export: wrote {len(paths)} file(s) in {time.perf_counter() - t0:.1f} s")
    return 0


def register(sub: argparse._SubParsersAction, default_db: str) -> None:
    """Add the `map` and `export` subcommands to the `atlas` command."""
    p = sub.add_parser("map", help="draw a flow map (HTML, PNG, SVG, PDF: format from the extension)",
                       description="Draw a flow map of a selection. The format follows the extension of -o: "
                                   ".html (standalone, works offline), .png (300 dpi), .svg, .pdf.")
    p.add_argument("--db", default=default_db)
    add_filter_options(p)
    p.add_argument("--origin-level", default="auto", choices=("auto",) + ORIGIN_LEVELS)
    p.add_argument("--dest-level", default="auto", choices=("auto",) + DEST_LEVELS)
    p.add_argument("--magnitude", default="links", choices=MAGNITUDES, help="what line widths and circles show")
    p.add_argument("--colour-by", "--color-by", dest="colour_by", default="zone", choices=COLOUR_BY)
    p.add_argument("--view", default="flows", choices=("flows", "countries", "departements"),
                   help="flows, or a choropleth of links per country or département")
    p.add_argument("--layout", default="a4", choices=("a4", "16:9"), help="page of print maps")
    p.add_argument("--projection", default="auto", choices=PROJECTION_CHOICES,
                   help="projection of print maps: equal-earth (alias world, EPSG:8857), lambert-93 (alias "
                        "france, EPSG:2154), or auto: Lambert-93 when every place is in Europe (default)")
    p.add_argument("--max-flows", type=int, default=None, help="most arcs drawn (default: ATLAS_MAX_ARCS)")
    p.add_argument("--lang", choices=("fr", "en"), default=None)
    p.add_argument("--title", default=None)
    p.add_argument("--each", choices=("region", "departement"),
                   help="batch: one map per région or département into the folder given by -o")
    p.add_argument("--format", default="pdf", choices=("html", "png", "svg", "pdf"),
                   help="file format of maps named after the selection: --each, or -o naming a folder or "
                        "left out (default pdf)")
    p.add_argument("-o", "--output", default=None,
                   help="output file; a folder ending with / (or nothing: the current folder) receives a map "
                        "named after the selection, e.g. maps/montelimar-liens.pdf (with --each: one map per area)")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("export", help="export the links of a selection (CSV, XLSX, GeoJSON, GPKG, GeoParquet, flowmap)",
                       description="Export the links of a selection. The format follows the extension of -o: "
                                   ".csv, .xlsx, .geojson, .gpkg, .parquet; a name without extension is a folder "
                                   "that receives locations.csv + flows.csv for flowmap.blue / flowmap.gl.")
    p.add_argument("--db", default=default_db)
    add_filter_options(p)
    p.add_argument("--origin-level", default="auto", choices=("auto",) + ORIGIN_LEVELS,
                   help="origin level of the flows written with XLSX, GPKG and flowmap files "
                        "(default: auto, the same flows as `atlas map` draws)")
    p.add_argument("--dest-level", default="auto", choices=("auto",) + DEST_LEVELS)
    p.add_argument("--magnitude", default="links", choices=MAGNITUDES, help="the flowmap 'count' column")
    p.add_argument("--max-flows", type=int, default=None, help="flow budget of the view (default: ATLAS_MAX_ARCS)")
    p.add_argument("--format", default=None, choices=("csv", "xlsx", "geojson", "gpkg", "parquet", "flowmap"),
                   help="override the format given by the extension")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)


__all__ = ["AtlasError", "register", "filters_from_args"]
