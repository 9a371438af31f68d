-- Derived, denormalised table rebuilt after every load (atlas.db.schema.refresh_derived).
-- One row per (French authority, partner authority, activity), where an activity is either a
-- project (every French party × every partner party) or a standing partnership. Filters run on
-- this one table, so a filtered map is a single scan + aggregate.
CREATE OR REPLACE TABLE activities AS
WITH proj_lists AS (
    SELECT p.id AS project_id,
           (SELECT list(DISTINCT t.theme_code ORDER BY t.theme_code) FROM project_themes t WHERE t.project_id = p.id) AS themes,
           (SELECT list(DISTINCT s.sdg ORDER BY s.sdg) FROM project_sdgs s WHERE s.project_id = p.id) AS sdgs,
           (SELECT list(DISTINCT f.funding_code ORDER BY f.funding_code) FROM project_funding f WHERE f.project_id = p.id) AS funding
    FROM projects p
),
proj_pairs AS (
    SELECT fr.project_id, fr.authority_id AS fr_id, pa.authority_id AS partner_id
    FROM project_parties fr
    JOIN authorities afr ON afr.id = fr.authority_id AND afr.is_french
    JOIN project_parties pa ON pa.project_id = fr.project_id
    JOIN authorities apa ON apa.id = pa.authority_id AND NOT apa.is_french
)
SELECT pp.fr_id, pp.partner_id, pp.project_id, NULL::VARCHAR AS partnership_id,
       p.kind, p.year_start, p.year_end, p.status, p.budget_eur,
       coalesce(l.themes, []::VARCHAR[]) AS themes,
       coalesce(l.sdgs, []::INTEGER[]) AS sdgs,
       coalesce(l.funding, []::VARCHAR[]) AS funding,
       p.batch_id,
       -- 'demo': invented demonstration records; 'real': everything imported from a source
       CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END AS origin,
       -- the source in a few words, as tables and exports show it
       CASE WHEN b.is_demo THEN 'Données inventées (démonstration)'
            ELSE coalesce(split_part(b.source, ',', 1), b.file_name, b.id)
                 || coalesce(' (' || left(b.source_date, 4) || coalesce(', ' || b.licence, '') || ')', '') END AS source
FROM proj_pairs pp
JOIN projects p ON p.id = pp.project_id
JOIN proj_lists l ON l.project_id = pp.project_id
LEFT JOIN import_batches b ON b.id = p.batch_id
UNION ALL
SELECT s.fr_id, s.partner_id, NULL::VARCHAR, s.id, s.kind, s.since, s.until, s.status, NULL::DOUBLE,
       []::VARCHAR[], []::INTEGER[], []::VARCHAR[],
       s.batch_id, CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END,
       CASE WHEN b.is_demo THEN 'Données inventées (démonstration)'
            ELSE coalesce(split_part(b.source, ',', 1), b.file_name, b.id)
                 || coalesce(' (' || left(b.source_date, 4) || coalesce(', ' || b.licence, '') || ')', '') END
FROM partnerships s
LEFT JOIN import_batches b ON b.id = s.batch_id;

-- Dense integer key of every authority, in id order: flow aggregation (atlas.geo.flows) works on
-- these keys with numpy instead of hashing text ids, and since link_facts is sorted by
-- (fr_id, partner_id), (fr_key, partner_key) is sorted too, so distinct links are found in one pass.
CREATE OR REPLACE TABLE authority_keys AS
SELECT (row_number() OVER (ORDER BY id) - 1)::INTEGER AS key, id FROM authorities;
-- Dense integer key of every project, for distinct counts in numpy (-1 in link_facts: a partnership).
CREATE OR REPLACE TABLE project_keys AS
SELECT (row_number() OVER (ORDER BY id) - 1)::INTEGER AS key, id FROM projects;

-- Links joined to both ends and to the partner's country: what every filter query reads.
CREATE OR REPLACE TABLE link_facts AS
SELECT a.*,
       kf.key AS fr_key, kp.key AS partner_key, coalesce(kj.key, -1)::INTEGER AS project_key,
       f.level AS fr_level, f.name AS fr_name, f.departement AS fr_departement, f.region AS fr_region,
       f.lon AS fr_lon, f.lat AS fr_lat,
       -- SIREN of the French authority's EPCI (an EPCI carries its own): the EPCI flow level.
       f.epci AS fr_epci,
       -- The project's budget shared equally among its French × partner pairs, so that amounts
       -- add up across links and flows (the total of every flow is the total of the projects).
       a.budget_eur / count(*) OVER (PARTITION BY a.project_id) AS budget_share_eur,
       p.level AS partner_level, p.name AS partner_name, p.country_iso2, p.lon AS partner_lon,
       p.lat AS partner_lat, p.admin1 AS partner_admin1,
       c.zone, c.name_fr AS country_name_fr, c.name_en AS country_name_en
FROM activities a
JOIN authorities f ON f.id = a.fr_id
JOIN authorities p ON p.id = a.partner_id
JOIN authority_keys kf ON kf.id = a.fr_id
JOIN authority_keys kp ON kp.id = a.partner_id
LEFT JOIN project_keys kj ON kj.id = a.project_id
LEFT JOIN countries c ON c.iso2 = p.country_iso2
ORDER BY a.fr_id, a.partner_id;

-- One row per link with additive magnitudes and the columns of link-level filters (geography,
-- level, authority): national and territorial flow maps read this table when no project-level
-- filter (theme, SDG, kind, funding, years, status) applies. Stored in link order, like link_facts.
CREATE OR REPLACE TABLE link_rollup AS
SELECT fr_key, partner_key,
       count(project_id)::INTEGER AS n_projects,
       coalesce(sum(budget_share_eur), 0)::DOUBLE AS amount,
       any_value(fr_id) AS fr_id, any_value(fr_level) AS fr_level, any_value(fr_region) AS fr_region,
       any_value(fr_departement) AS fr_departement, any_value(country_iso2) AS country_iso2,
       any_value(zone) AS zone
FROM link_facts
GROUP BY fr_key, partner_key
ORDER BY fr_key, partner_key;

-- link_summary (every link with its lists and totals, as links_filtered.sql returns them
-- without a filter) is made from links_filtered.sql itself by atlas.db.build.refresh_derived.

-- Public view: one row per French authority × partner authority.
CREATE OR REPLACE VIEW links AS
SELECT fr_id, partner_id,
       any_value(country_iso2) AS country_iso2,
       any_value(zone) AS zone,
       any_value(fr_name) AS fr_name, any_value(fr_level) AS fr_level,
       any_value(fr_departement) AS fr_departement, any_value(fr_region) AS fr_region,
       any_value(partner_name) AS partner_name, any_value(partner_level) AS partner_level,
       any_value(fr_lon) AS fr_lon, any_value(fr_lat) AS fr_lat,
       any_value(partner_lon) AS partner_lon, any_value(partner_lat) AS partner_lat,
       count(DISTINCT project_id) AS n_projects,
       count(DISTINCT partnership_id) AS n_partnerships,
       list_sort(list_distinct(flatten(list(themes)))) AS themes,
       list_sort(list_distinct(flatten(list(sdgs)))) AS sdgs,
       list_sort(list_distinct(list(kind))) AS kinds,
       list_sort(list_distinct(flatten(list(funding)))) AS funding,
       min(year_start) AS first_year,
       max(coalesce(year_end, year_start)) AS last_year,
       sum(budget_eur) AS budget_eur,
       list_sort(list_distinct(list(origin))) AS origins,
       list_sort(list_distinct(list(source))) AS sources
FROM link_facts
GROUP BY fr_id, partner_id;
