-- French authorities (of the atlas, or any in the COG reference) whose folded name or code
-- matches $q (already folded by atlas.db.queries.fold_query: atlas.text.fold, hyphens and
-- apostrophes as spaces). atlas_fold(name) is replaced by atlas.text.fold_sql('name') before running.
-- Ranked: exact, prefix, word prefix, substring; then authorities with ties, then population.
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
best AS (
    SELECT *, regexp_replace(atlas_fold(name), '[-'' ]+', ' ', 'g') AS folded
    FROM cands
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY has_links DESC) = 1
)
SELECT id, name, level, departement, region, population, has_links,
       CASE WHEN folded = $q OR insee = $q OR siren = $q THEN 0
            WHEN starts_with(folded, $q) THEN 1
            WHEN contains(' ' || folded, ' ' || $q) THEN 2
            ELSE 3 END AS rank
FROM best
WHERE contains(folded, $q) OR insee = $q OR siren = $q
ORDER BY rank, has_links DESC, population DESC NULLS LAST, name
LIMIT $limit;
