-- Posts that answer post $id: open, unexpired, of the opposite kind, by another authority, about the
-- same country (or, without a country, the same zone) and sharing at least one theme; best first.
WITH posts AS ({base}),
me AS (SELECT * FROM posts WHERE id = $id)
SELECT o.*,
       list_sort(list_intersect(o.themes, me.themes)) AS shared_themes,
       len(list_intersect(o.themes, me.themes))::INTEGER AS n_shared,
       (o.country_iso2 IS NOT DISTINCT FROM me.country_iso2) AS same_country
FROM posts o, me
WHERE o.id <> me.id
  AND o.kind <> me.kind
  AND o.authority_id <> me.authority_id
  AND o.status = 'ouverte' AND NOT o.expired
  AND len(list_intersect(o.themes, me.themes)) > 0
  AND CASE WHEN me.country_iso2 IS NOT NULL
           THEN o.country_iso2 = me.country_iso2 OR (o.country_iso2 IS NULL AND o.zone = me.zone)
           ELSE o.zone = me.zone END
ORDER BY same_country DESC, n_shared DESC, (o.action_kind IS NOT DISTINCT FROM me.action_kind) DESC,
         o.published_at DESC, o.id
