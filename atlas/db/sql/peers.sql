-- "Who else in France works with the same partner, country or theme": other French authorities
-- ranked by what they share with the authorities in $ids.
WITH mine AS (SELECT * FROM link_facts WHERE list_contains($ids::VARCHAR[], fr_id)),
my_partners AS (SELECT DISTINCT partner_id FROM mine),
my_countries AS (SELECT DISTINCT country_iso2 FROM mine),
my_themes AS (SELECT DISTINCT unnest(themes) AS theme FROM mine),
others AS (SELECT * FROM link_facts WHERE NOT list_contains($ids::VARCHAR[], fr_id))
SELECT 'partner' AS shared, o.fr_id, any_value(o.fr_name) AS fr_name, any_value(o.fr_level) AS fr_level,
       any_value(o.fr_departement) AS fr_departement,
       string_agg(DISTINCT o.partner_name, ', ') AS what, count(DISTINCT o.partner_id)::INTEGER AS n
FROM others o JOIN my_partners p USING (partner_id)
GROUP BY o.fr_id
UNION ALL
SELECT 'country', o.fr_id, any_value(o.fr_name), any_value(o.fr_level), any_value(o.fr_departement),
       string_agg(DISTINCT CASE WHEN $en THEN o.country_name_en ELSE o.country_name_fr END, ', '),
       count(DISTINCT o.partner_id)::INTEGER
FROM others o JOIN my_countries c USING (country_iso2)
GROUP BY o.fr_id
UNION ALL
SELECT 'theme', o.fr_id, any_value(o.fr_name), any_value(o.fr_level), any_value(o.fr_departement),
       string_agg(DISTINCT t.theme, ', '), count(DISTINCT o.project_id)::INTEGER
FROM others o, unnest(o.themes) u(theme) JOIN my_themes t ON t.theme = u.theme
GROUP BY o.fr_id
ORDER BY shared, n DESC, fr_name
