"""`atlas bourse list` and `atlas bourse show`: what they print equals atlas.db.exchange's answers;
errors are one line with exit code 1 (bad value) or 2 (bad option)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from atlas.cli import main
from atlas.db import exchange
from atlas.models import Filters


def test_list_json_equals_the_read_side(demo_db, atlas_handle, capsys):
    assert main(["bourse", "list", "--db", str(demo_db), "--theme", "eau,sante", "--kind", "demande",
                 "--json"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    expected = exchange.posts(atlas_handle.db, Filters(themes=["eau", "sante"]), kinds=["demande"],
                              statuses=("ouverte",))
    assert [r["id"] for r in rows] == list(expected["id"])
    assert rows and all(r["kind"] == "demande" and r["status"] == "ouverte" for r in rows)
    assert all({"eau", "sante"} & set(r["themes"]) for r in rows)
    assert f"{len(rows)} offers and requests" in out.err


def test_list_text_and_csv(demo_db, atlas_handle, capsys):
    assert main(["bourse", "list", "--db", str(demo_db), "--status", "all", "--expired"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(exchange.posts(atlas_handle.db, include_expired=True))
    assert all(len(line.split("\t")) == 10 for line in lines)
    assert main(["bourse", "list", "--db", str(demo_db), "--source", "demo", "--zone", "Afrique subsaharienne",
                 "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    expected = exchange.posts(atlas_handle.db, Filters(sources=["demo"], zones=["Afrique subsaharienne"]),
                              statuses=("ouverte",))
    assert [r["id"] for r in rows] == list(expected["id"]) and rows


def test_show_json_gives_the_post_its_matches_and_who_else(demo_db, atlas_handle, capsys):
    db = atlas_handle.db
    post_id = next(p for p in exchange.posts(db)["id"] if len(exchange.matches(db, p)))
    assert main(["bourse", "show", post_id, "--db", str(demo_db), "--json", "--limit", "5"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["post"]["id"] == post_id
    assert [m["id"] for m in got["matches"]] == list(exchange.matches(db, post_id)["id"])
    assert [w["fr_id"] for w in got["who_else"]] == list(exchange.who_else(db, post_id, top=5)["fr_id"])
    assert main(["bourse", "show", post_id, "--db", str(demo_db)]) == 0
    text = capsys.readouterr().out
    assert f"matches ({len(got['matches'])})" in text and "qui d'autre en France ?" in text


@pytest.mark.parametrize("args, code, message", [
    (["list", "--theme", "water"], 1, "unknown themes: ['water']; expected codes such as: agriculture"),
    (["list", "--status", "open"], 1, "unknown post statuses: ['open']; expected one of: ouverte, appariee, close"),
    (["list", "--country", "ZZ"], 1, "unknown countries: ['ZZ']"),
    (["show", "nope"], 1, "no offer or request 'nope'; list them with `atlas bourse list`"),
    (["list", "--kind", "offer"], 2, "invalid choice: 'offer'"),
])
def test_errors_are_one_line(demo_db, capsys, args, code, message):
    try:
        result = main(["bourse", *args, "--db", str(demo_db)])
    except SystemExit as exc:  # argparse ends a usage error itself
        result = exc.code
    assert result == code
    err = capsys.readouterr().err
    assert message in err
    if code == 1:
        assert len(err.strip().splitlines()) == 1  # one line (a usage error comes after argparse's usage)
