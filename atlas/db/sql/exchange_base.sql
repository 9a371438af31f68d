-- Offers and requests of the partnership exchange with their author, country, themes and origin
-- (atlas.db.exchange uses it as the CTE "posts"; $today: the day that decides what has expired).
SELECT p.id, p.kind, p.authority_id,
       a.name AS author_name, a.level AS author_level, a.is_french AS author_is_french,
       a.country_iso2 AS author_country, a.departement AS author_departement, a.region AS author_region,
       a.lon, a.lat,
       p.title, p.description, p.country_iso2,
       c.name_fr AS country_name_fr, c.name_en AS country_name_en,
       -- the zone concerned: the one named, else the country's
       coalesce(p.zone, c.zone) AS zone,
       p.area, p.action_kind, p.contact, p.status, p.published_at, p.expires_on,
       p.expires_on < $today::DATE AS expired,
       coalesce((SELECT list(t.theme_code ORDER BY t.theme_code) FROM exchange_post_themes t WHERE t.post_id = p.id),
                []::VARCHAR[]) AS themes,
       CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END AS origin,
       CASE WHEN b.is_demo THEN 'Données inventées (démonstration)'
            ELSE coalesce(b.source, b.id, '') END AS source,
       p.user_name, p.batch_id
FROM exchange_posts p
JOIN authorities a ON a.id = p.authority_id
LEFT JOIN countries c ON c.iso2 = p.country_iso2
LEFT JOIN import_batches b ON b.id = p.batch_id
