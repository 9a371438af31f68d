-- Distinct projects, partnerships and authorities matching a Filters object.
SELECT count(DISTINCT project_id)::INTEGER AS projects,
       count(DISTINCT partnership_id)::INTEGER AS partnerships,
       count(DISTINCT fr_id)::INTEGER AS fr_authorities,
       count(DISTINCT partner_id)::INTEGER AS partners,
       count(DISTINCT country_iso2)::INTEGER AS countries
FROM link_facts
{where};
