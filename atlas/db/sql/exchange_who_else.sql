-- "Qui d'autre en France ?": French authorities, other than the author of post $id, with ties
-- (projects) in the post's country (or, without a country, its zone) on one of its themes.
WITH posts AS ({base}),
me AS (SELECT * FROM posts WHERE id = $id)
SELECT f.fr_id, any_value(f.fr_name) AS fr_name, any_value(f.fr_level) AS fr_level,
       any_value(f.fr_departement) AS fr_departement, any_value(f.fr_region) AS fr_region,
       count(DISTINCT f.partner_id)::INTEGER AS n_partners,
       count(DISTINCT f.project_id)::INTEGER AS n_projects,
       list_sort(list_distinct(flatten(list(list_intersect(f.themes, me.themes))))) AS themes,
       string_agg(DISTINCT f.partner_name, ', ' ORDER BY f.partner_name) AS partners,
       list_sort(list_distinct(list(f.origin))) AS origins
FROM link_facts f, me
WHERE f.fr_id <> me.authority_id
  AND len(list_intersect(f.themes, me.themes)) > 0
  AND CASE WHEN me.country_iso2 IS NOT NULL THEN f.country_iso2 = me.country_iso2 ELSE f.zone = me.zone END
GROUP BY f.fr_id
ORDER BY n_projects DESC, n_partners DESC, fr_name, f.fr_id
LIMIT $top
