-- Activity per year for a Filters object: links started (first year) and projects running.
SELECT y AS year,
       count(DISTINCT partnership_id) FILTER (WHERE partnership_id IS NOT NULL AND year_start = y) AS partnerships_started,
       count(DISTINCT project_id) FILTER (WHERE project_id IS NOT NULL) AS projects_running
FROM link_facts, range(1950, 2031) r(y)
{where}
  AND coalesce(year_start, 0) <= y
  AND (project_id IS NULL AND year_start = y OR project_id IS NOT NULL AND coalesce(year_end, year_start) >= y)
GROUP BY y
ORDER BY y;
