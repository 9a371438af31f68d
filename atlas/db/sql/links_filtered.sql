-- Links matching a Filters object; {where} is filled by atlas.db.where.where_clause (bound parameters only).
SELECT fr_id, partner_id,
       any_value(country_iso2) AS country_iso2,
       any_value(country_name_fr) AS country_name_fr,
       any_value(country_name_en) AS country_name_en,
       any_value(zone) AS zone,
       any_value(fr_name) AS fr_name, any_value(fr_level) AS fr_level,
       any_value(fr_departement) AS fr_departement, any_value(fr_region) AS fr_region,
       any_value(fr_epci) AS fr_epci,
       any_value(partner_name) AS partner_name, any_value(partner_level) AS partner_level,
       any_value(partner_admin1) AS partner_admin1,
       any_value(fr_lon) AS fr_lon, any_value(fr_lat) AS fr_lat,
       any_value(partner_lon) AS partner_lon, any_value(partner_lat) AS partner_lat,
       count(DISTINCT project_id)::INTEGER AS n_projects,
       count(DISTINCT partnership_id)::INTEGER AS n_partnerships,
       list_sort(list_distinct(flatten(list(themes)))) AS themes,
       list_sort(list_distinct(flatten(list(sdgs)))) AS sdgs,
       list_sort(list_distinct(list(kind))) AS kinds,
       list_sort(list_distinct(flatten(list(funding)))) AS funding,
       min(year_start) AS first_year,
       max(coalesce(year_end, year_start)) AS last_year,
       coalesce(sum(budget_eur), 0) AS budget_eur,
       coalesce(sum(budget_share_eur), 0) AS amount_eur,
       list_sort(list_distinct(list(origin))) AS origins,
       min(partnership_id) AS partnership_id,  -- the link's (first) partnership: its sheet
       string_agg(DISTINCT source, ' ; ' ORDER BY source) AS source
FROM link_facts
{where}
GROUP BY fr_id, partner_id
ORDER BY fr_id, partner_id;
