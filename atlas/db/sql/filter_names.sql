-- Display names of the coded values of a selection (Filters.describe), keyed like authority ids.
SELECT 'country:' || iso2 AS key, CASE WHEN $en THEN coalesce(name_en, name_fr) ELSE name_fr END AS name
FROM countries WHERE list_contains($countries::VARCHAR[], iso2)
UNION ALL
SELECT id, name FROM authorities WHERE list_contains($authorities::VARCHAR[], id)
UNION ALL
SELECT 'region:' || code, name FROM ref_regions WHERE list_contains($regions::VARCHAR[], code)
UNION ALL
SELECT 'departement:' || code, name || ' (' || code || ')' FROM ref_departements
WHERE list_contains($departements::VARCHAR[], code)
