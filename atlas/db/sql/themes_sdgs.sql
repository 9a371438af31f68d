-- Projects per theme × SDG for a Filters object (cross-tabulation).
WITH hits AS (SELECT DISTINCT project_id FROM link_facts {where} AND project_id IS NOT NULL)
SELECT t.theme_code, s.sdg, count(*)::INTEGER AS projects
FROM hits h
JOIN project_themes t ON t.project_id = h.project_id
JOIN project_sdgs s ON s.project_id = h.project_id
GROUP BY ALL
ORDER BY projects DESC;
