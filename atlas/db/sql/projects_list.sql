-- Projects matching a Filters object, one row per project, with its parties and lists.
WITH hits AS (
    SELECT project_id, list(DISTINCT fr_id) AS fr_ids, list(DISTINCT partner_id) AS partner_ids,
           list(DISTINCT country_iso2) AS countries, any_value(source) AS source
    FROM link_facts
    {where}
      AND project_id IS NOT NULL
    GROUP BY project_id
)
SELECT p.id, p.title, p.year_start, p.year_end, p.status, p.kind, p.mode, p.engagement, p.sides,
       p.budget_eur,
       (SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM unnest(h.fr_ids) u(x) JOIN authorities a ON a.id = u.x) AS french,
       (SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM unnest(h.partner_ids) u(x) JOIN authorities a ON a.id = u.x) AS partners,
       h.countries,
       coalesce((SELECT list(theme_code ORDER BY theme_code) FROM project_themes t WHERE t.project_id = p.id), []) AS themes,
       coalesce((SELECT list(sdg ORDER BY sdg) FROM project_sdgs s WHERE s.project_id = p.id), []) AS sdgs,
       coalesce((SELECT list(funding_code ORDER BY funding_code) FROM project_funding f WHERE f.project_id = p.id), []) AS funding,
       h.source
FROM hits h JOIN projects p ON p.id = h.project_id
ORDER BY p.year_start DESC, p.title
LIMIT $limit;
