-- French authorities whose folded name or code matches $q (already folded: lower case, no
-- accents, hyphens and apostrophes as spaces). Ranked: exact, prefix, word prefix, substring.
WITH cands AS (
    SELECT a.id, a.name, a.level, a.departement, a.region, a.insee, a.siren, a.population,
           regexp_replace(lower(strip_accents(a.name)), '[-''’ ]+', ' ', 'g') AS folded
    FROM authorities a
    WHERE a.is_french
)
SELECT id, name, level, departement, region, population,
       CASE WHEN folded = $q OR insee = $q OR siren = $q THEN 0
            WHEN starts_with(folded, $q) THEN 1
            WHEN contains(' ' || folded, ' ' || $q) THEN 2
            ELSE 3 END AS rank
FROM cands
WHERE contains(folded, $q) OR insee = $q OR siren = $q OR departement = $q
ORDER BY rank, population DESC NULLS LAST, name
LIMIT $limit;
