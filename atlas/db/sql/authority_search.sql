-- The authorities of search_candidates (authority_candidates.sql) matching a query understood by
-- atlas.db.search_terms.parse, best first:
--   $q       the whole query in the search form (atlas.text.fold, hyphens and apostrophes as
--            spaces, Saint spelled out), compared with whole names and with codes;
--   $core    the name without institution words and leading articles ("nord" for "Conseil
--            départemental du Nord"), compared with the cores of the names;
--   $levels  the levels the institution words point to (all four: no preference);
--   $regions codes of régions an old région name points to ("Midi-Pyrénées" -> 76), or [''];
--   $dep     a département code written in brackets or after the name, or NULL.
--
-- Score (lower is better): the whole name 0 exact, 2 prefix, 4 word prefix, 6 substring; the
-- core 1 exact, 3 prefix, 5 word prefix, 7 substring, plus 4 at a level the words did not point
-- to; an old région name 1; plus 8 outside the département given ($dep). INSEE codes are
-- compared in lower case, as the query is folded ("2a004"). Ties: authorities with
-- ties first, then the most populous.
WITH scored AS (
    SELECT *,
           least(
               CASE WHEN folded = $q OR lower(insee) = $q OR siren = $q THEN 0
                    WHEN starts_with(folded, $q) THEN 2
                    WHEN contains(' ' || folded, ' ' || $q) THEN 4
                    WHEN contains(folded, $q) THEN 6 END,
               CASE WHEN core = $core OR lower(insee) = $core THEN 1
                    WHEN starts_with(core, $core) THEN 3
                    WHEN contains(' ' || core, ' ' || $core) THEN 5
                    WHEN contains(core, $core) THEN 7 END
               + CASE WHEN list_contains($levels::VARCHAR[], level) THEN 0 ELSE 4 END,
               CASE WHEN level = 'region' AND list_contains($regions::VARCHAR[], region) THEN 1 END
           ) + CASE WHEN $dep IS NULL OR departement = $dep THEN 0 ELSE 8 END AS rank
    FROM search_candidates
)
SELECT id, name, level, departement, region, population, has_links, rank
FROM scored
WHERE rank IS NOT NULL
ORDER BY rank, has_links DESC, people DESC NULLS LAST, name, id
LIMIT $limit;
