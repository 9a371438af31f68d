-- Every French authority the search can offer, of the atlas or of the COG reference (one row per
-- id, the atlas's row first), with what the search compares (authority_search.sql): its name in
-- the search form and its core, and its population (régions and départements count their communes).
-- Made once per database file (ReadOnlyDatabase.memo): the folding is the costly part.
-- Before running, atlas_search_form(c.name), atlas_core(folded) and atlas_article(folded) are
-- replaced by their SQL in atlas.db.search_terms (sql_search_form, sql_core): the search form as
-- fold_query gives it, and the core of a name as name_core gives it (institution words taken off
-- EPCI names only: "Ville-la-Grand" is a commune's name; leading articles off every name).
WITH cands AS (
    SELECT id, name, level, departement, region, population, true AS has_links, insee, siren
    FROM authorities WHERE is_french
    UNION ALL
    SELECT 'commune:' || insee, name, 'commune', departement, region, population, false, insee, siren
    FROM ref_communes
    UNION ALL
    SELECT 'epci:' || siren, name, 'epci', departement, region, population, false, NULL, siren
    FROM ref_epci
    UNION ALL
    SELECT 'departement:' || code, name, 'departement', code, region_code, NULL, false, code, NULL
    FROM ref_departements
    UNION ALL
    SELECT 'region:' || code, name, 'region', NULL, code, NULL, false, code, NULL
    FROM ref_regions
),
people AS (
    SELECT 'departement:' || departement AS id, sum(population) AS n FROM ref_communes GROUP BY ALL
    UNION ALL
    SELECT 'region:' || region, sum(population) FROM ref_communes GROUP BY ALL
),
folded AS (
    SELECT c.*, coalesce(c.population, p.n) AS people, atlas_search_form(c.name) AS folded
    FROM cands c LEFT JOIN people p USING (id)
    QUALIFY row_number() OVER (PARTITION BY c.id ORDER BY c.has_links DESC) = 1
)
SELECT id, name, level, departement, region, population, has_links, insee, siren, people, folded,
       CASE WHEN level = 'epci' THEN atlas_core(folded) ELSE atlas_article(folded) END AS core
FROM folded
ORDER BY has_links DESC, people DESC NULLS LAST, name, id;
