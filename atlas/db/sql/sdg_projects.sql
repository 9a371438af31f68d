-- Distinct projects per SDG (ODD) for a Filters object: a project with two SDGs counts once under
-- each; never a sum over theme × SDG pairs.
WITH hits AS (SELECT DISTINCT project_id FROM link_facts {where} AND project_id IS NOT NULL)
SELECT s.sdg, count(DISTINCT h.project_id)::INTEGER AS projects
FROM hits h JOIN project_sdgs s ON s.project_id = h.project_id
GROUP BY s.sdg
ORDER BY s.sdg;
