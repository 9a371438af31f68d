-- The regional observatory of actors (atlas.db.observatory). Each query below starts with a line
-- "-- @name"; atlas.db.observatory puts the common part (@base) in front of it. Parameters, all
-- bound: $level ('region' or 'departement'), $code (INSEE code), $y (a year or NULL: every year),
-- $src (origins kept, 'real' and/or 'demo'; empty: both).

-- @base
WITH sel AS (   -- the actors seated in the territory, active in year $y
    SELECT a.*, CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END AS origin,
           CASE WHEN b.is_demo THEN 'Données inventées (démonstration)'
                ELSE coalesce(split_part(b.source, ',', 1), b.file_name, b.id, 'source inconnue')
                     || coalesce(' (' || left(b.source_date, 4) || coalesce(', ' || b.licence, '') || ')', '')
           END AS source
    FROM actors a LEFT JOIN import_batches b ON b.id = a.batch_id
    WHERE (CASE WHEN $level = 'region' THEN a.region ELSE a.departement END) = $code
      AND ($y::INTEGER IS NULL OR (coalesce(a.since, 0) <= $y::INTEGER AND coalesce(a.until, 9999) >= $y::INTEGER))
      AND (len($src::VARCHAR[]) = 0 OR list_contains($src::VARCHAR[], CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END))
),
sel_countries AS (   -- where they act (in year $y)
    SELECT ac.actor_id, ac.country_iso2, c.zone
    FROM actor_countries ac JOIN sel ON sel.id = ac.actor_id
    LEFT JOIN countries c ON c.iso2 = ac.country_iso2
    WHERE $y::INTEGER IS NULL OR (coalesce(ac.since, 0) <= $y::INTEGER AND coalesce(ac.until, 9999) >= $y::INTEGER)
),
sel_supports AS (   -- grants and technical support they received (in year $y)
    SELECT s.* FROM actor_supports s JOIN sel ON sel.id = s.actor_id
    LEFT JOIN import_batches b ON b.id = s.batch_id
    WHERE ($y::INTEGER IS NULL OR s.year = $y::INTEGER)
      AND (len($src::VARCHAR[]) = 0 OR list_contains($src::VARCHAR[], CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END))
),
sel_projects AS (   -- the projects they take part in (running in year $y)
    SELECT pa.actor_id, p.id AS project_id, p.title, p.year_start, p.year_end, p.kind
    FROM project_actors pa JOIN sel ON sel.id = pa.actor_id
    JOIN projects p ON p.id = pa.project_id
    LEFT JOIN import_batches b ON b.id = p.batch_id
    WHERE ($y::INTEGER IS NULL OR (coalesce(p.year_end, 9999) >= $y::INTEGER AND coalesce(p.year_start, 0) <= $y::INTEGER))
      AND (len($src::VARCHAR[]) = 0 OR list_contains($src::VARCHAR[], CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END))
),
ties AS (   -- the ties of the territory's French authorities (link_facts, as the Explorer filters)
    SELECT fr_id, partner_id, country_iso2, zone
    FROM link_facts
    WHERE (CASE WHEN $level = 'region' THEN fr_region ELSE fr_departement END) = $code
      AND ($y::INTEGER IS NULL OR (coalesce(year_end, 9999) >= $y::INTEGER AND coalesce(year_start, 0) <= $y::INTEGER))
      AND (len($src::VARCHAR[]) = 0 OR list_contains($src::VARCHAR[], origin))
)

-- @figures
SELECT (SELECT count(DISTINCT id) FROM sel) AS actors,
       (SELECT count(DISTINCT type) FROM sel) AS types,
       (SELECT count(DISTINCT s.sector) FROM actor_sectors s JOIN sel ON sel.id = s.actor_id) AS sectors,
       (SELECT count(DISTINCT commune) FROM sel) AS communes,
       (SELECT count(DISTINCT departement) FROM sel) AS departements,
       (SELECT count(DISTINCT country_iso2) FROM sel_countries) AS countries,
       (SELECT count(DISTINCT zone) FROM sel_countries) AS zones,
       (SELECT count(DISTINCT s.sdg) FROM actor_sdgs s JOIN sel ON sel.id = s.actor_id) AS sdgs,
       (SELECT count(DISTINCT actor_id) FROM sel_supports) AS supported_actors,
       (SELECT count(*) FROM sel_supports) AS supports,
       (SELECT coalesce(sum(amount_eur), 0) FROM sel_supports) AS support_amount_eur,
       (SELECT count(DISTINCT authority_id) FROM sel_supports) AS supporting_authorities,
       (SELECT count(DISTINCT project_id) FROM sel_projects) AS projects,
       (SELECT count(DISTINCT actor_id) FROM sel_projects) AS actors_in_projects,
       (SELECT count(DISTINCT fr_id) FROM ties) AS authorities,
       (SELECT count(DISTINCT (fr_id, partner_id)) FROM ties) AS authority_ties,
       (SELECT count(DISTINCT country_iso2) FROM ties) AS authority_countries,
       (SELECT count(*) FROM (SELECT country_iso2 FROM sel_countries INTERSECT SELECT country_iso2 FROM ties)) AS shared_countries

-- @by_type
SELECT type, count(DISTINCT id) AS actors FROM sel GROUP BY type ORDER BY actors DESC, type

-- @by_sector
SELECT s.sector, count(DISTINCT s.actor_id) AS actors
FROM actor_sectors s JOIN sel ON sel.id = s.actor_id GROUP BY s.sector ORDER BY actors DESC, s.sector

-- @by_departement
SELECT sel.departement, d.name, count(DISTINCT sel.id) AS actors
FROM sel LEFT JOIN ref_departements d ON d.code = sel.departement
GROUP BY ALL ORDER BY actors DESC, sel.departement

-- @by_sdg
SELECT s.sdg, g.name_fr, g.name_en, g.colour, count(DISTINCT s.actor_id) AS actors
FROM actor_sdgs s JOIN sel ON sel.id = s.actor_id LEFT JOIN sdgs g ON g.number = s.sdg
GROUP BY ALL ORDER BY s.sdg

-- @by_country
-- Countries of the actors' ties beside those of the authorities' ties, in one table.
, a AS (SELECT country_iso2, count(DISTINCT actor_id) AS actors FROM sel_countries GROUP BY ALL),
  t AS (SELECT country_iso2, count(DISTINCT fr_id) AS authorities, count(DISTINCT (fr_id, partner_id)) AS authority_ties
        FROM ties GROUP BY ALL)
SELECT coalesce(a.country_iso2, t.country_iso2) AS country_iso2, c.name_fr, c.name_en, c.zone, c.lon, c.lat,
       coalesce(a.actors, 0) AS actors, coalesce(t.authorities, 0) AS authorities,
       coalesce(t.authority_ties, 0) AS authority_ties
FROM a FULL OUTER JOIN t ON t.country_iso2 = a.country_iso2
LEFT JOIN countries c ON c.iso2 = coalesce(a.country_iso2, t.country_iso2)
ORDER BY actors DESC, authorities DESC, country_iso2

-- @by_zone
, a AS (SELECT zone, count(DISTINCT actor_id) AS actors, count(DISTINCT country_iso2) AS countries
        FROM sel_countries GROUP BY ALL),
  t AS (SELECT zone, count(DISTINCT fr_id) AS authorities, count(DISTINCT country_iso2) AS authority_countries
        FROM ties GROUP BY ALL)
SELECT coalesce(a.zone, t.zone) AS zone, coalesce(a.actors, 0) AS actors, coalesce(a.countries, 0) AS countries,
       coalesce(t.authorities, 0) AS authorities, coalesce(t.authority_countries, 0) AS authority_countries
FROM a FULL OUTER JOIN t ON t.zone IS NOT DISTINCT FROM a.zone
ORDER BY actors DESC, authorities DESC, zone

-- @supports_by_kind
SELECT kind, count(*) AS supports, count(DISTINCT actor_id) AS actors, count(DISTINCT authority_id) AS authorities,
       coalesce(sum(amount_eur), 0) AS amount_eur
FROM sel_supports GROUP BY kind ORDER BY supports DESC, kind

-- @supporters
SELECT s.authority_id, au.name, au.level, count(*) AS supports, count(DISTINCT s.actor_id) AS actors,
       coalesce(sum(s.amount_eur), 0) AS amount_eur
FROM sel_supports s LEFT JOIN authorities au ON au.id = s.authority_id
GROUP BY ALL ORDER BY actors DESC, amount_eur DESC, s.authority_id

-- @projects
SELECT project_id, title, year_start, year_end, kind, count(DISTINCT actor_id) AS actors
FROM sel_projects GROUP BY ALL ORDER BY actors DESC, year_start DESC, project_id

-- @actors
SELECT sel.id, sel.name, sel.type, sel.commune, c.name AS commune_name, sel.departement, sel.lon, sel.lat,
       sel.since, sel.until,
       coalesce((SELECT list(DISTINCT s.sector ORDER BY s.sector) FROM actor_sectors s WHERE s.actor_id = sel.id),
                []::VARCHAR[]) AS sectors,
       coalesce((SELECT list(DISTINCT k.country_iso2 ORDER BY k.country_iso2) FROM sel_countries k
                 WHERE k.actor_id = sel.id), []::VARCHAR[]) AS countries,
       coalesce((SELECT list(DISTINCT g.sdg ORDER BY g.sdg) FROM actor_sdgs g WHERE g.actor_id = sel.id),
                []::INTEGER[]) AS sdgs,
       (SELECT count(*) FROM sel_supports u WHERE u.actor_id = sel.id) AS supports,
       (SELECT coalesce(sum(u.amount_eur), 0) FROM sel_supports u WHERE u.actor_id = sel.id) AS support_amount_eur,
       (SELECT count(DISTINCT p.project_id) FROM sel_projects p WHERE p.actor_id = sel.id) AS projects,
       sel.origin, sel.source
FROM sel LEFT JOIN ref_communes c ON c.insee = sel.commune
ORDER BY sel.name, sel.id
