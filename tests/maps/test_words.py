"""The one table of map words: complete in both languages, one fallback rule shared with the app."""

from __future__ import annotations

from string import Formatter

import pytest

from atlas.maps import styles, words
from atlas.maps.words import WORDS, count_word, demo_mark, level_word, per_area, word
from atlas.ui.i18n import STRINGS, t


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(WORDS))
def test_every_entry_speaks_both_languages_with_the_same_fields(key: str) -> None:
    entry = WORDS[key]
    assert set(entry) == set(words.LANGUAGES)
    assert all(entry.values()), key
    assert _fields(entry["fr"]) == _fields(entry["en"]), key


def test_an_unknown_language_falls_back_to_french_as_in_the_app() -> None:
    for lang in ("de", "", None, "EN"):
        assert word("others", lang) == "Autres"
        assert demo_mark(lang) == "DONNÉES DE DÉMONSTRATION"
        assert t("title", lang) == STRINGS["title"]["fr"]  # type: ignore[arg-type]
    assert word("others", "en") == "Others"
    assert t("title", "en") == STRINGS["title"]["en"]


def test_fields_are_filled_and_data_braces_stay_data() -> None:
    assert word("flows_levels", "fr", o="région", d="pays") == "Flux : région → pays"
    assert word("scope.region", "en", name="{x} Bretagne") == "{x} Bretagne region"


def test_the_demonstration_mark_and_counted_words() -> None:
    assert (demo_mark("fr"), demo_mark("en")) == ("DONNÉES DE DÉMONSTRATION", "DEMONSTRATION DATA")
    assert [count_word("links", v, "fr") for v in (0, 1, 2)] == ["lien", "lien", "liens"]
    assert [count_word("links", v, "en") for v in (0, 1, 2)] == ["links", "link", "links"]
    assert styles.quantity(1, "projects", "en") == "1 project"
    assert styles.quantity(12345, "links", "fr") == "12\u202f345 liens"
    assert styles.format_value(1.5e6, "amount", "fr") == "1,5 M€"


def test_tables_kept_for_callers_are_views_of_the_one_table() -> None:
    assert styles.COLOUR_TITLES["sdg"] == ("ODD principal", "Main SDG")
    assert list(styles.COLOUR_TITLES) == ["zone", "theme", "sdg", "kind", "funding"]
    assert styles.MAGNITUDE_WORDS["links"] == ("liens", "links") and "links.one" not in styles.MAGNITUDE_WORDS
    assert words.LEVEL_WORDS["en"]["admin1"] == level_word("admin1", "en") == "state or province"
    assert level_word("nowhere", "fr") == "nowhere"
    assert per_area("departement", "links", "fr") == "Liens par département"
    assert per_area("country", "projects", "en") == "Projects per country"
