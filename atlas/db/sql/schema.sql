-- Atlas database schema (DuckDB). Public interface: documented in docs/schema.md.
-- Ids are readable text: commune:31555, departement:31, region:76, epci:243100518,
-- geonames:2253354, admin1:SN-DK, country:SN.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Reference tables (copied from atlas/data/reference at build time; read-only afterwards).
CREATE TABLE IF NOT EXISTS countries (
    iso2 VARCHAR PRIMARY KEY, iso3 VARCHAR, isonum VARCHAR,
    name_fr VARCHAR NOT NULL, name_en VARCHAR NOT NULL, zone VARCHAR NOT NULL,
    lon DOUBLE, lat DOUBLE, has_polygon BOOLEAN, names VARCHAR[]
);
CREATE TABLE IF NOT EXISTS zones (
    name_fr VARCHAR PRIMARY KEY, name_en VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sdgs (
    number INTEGER PRIMARY KEY, name_fr VARCHAR NOT NULL, name_en VARCHAR NOT NULL, colour VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS themes (
    code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS theme_sdgs (
    theme_code VARCHAR NOT NULL REFERENCES themes(code),
    sdg INTEGER NOT NULL REFERENCES sdgs(number),
    PRIMARY KEY (theme_code, sdg)
);
CREATE TABLE IF NOT EXISTS action_kinds (
    code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS funding_instruments (
    code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL, law_year INTEGER
);

-- Import batches: every row of data below belongs to one batch, so a batch can be undone.
CREATE TABLE IF NOT EXISTS import_batches (
    id          VARCHAR PRIMARY KEY,
    file_name   VARCHAR,
    file_hash   VARCHAR,
    format      VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows_read   INTEGER,
    n_links     INTEGER,
    n_projects  INTEGER,
    is_demo     BOOLEAN NOT NULL DEFAULT false,
    report      JSON,
    -- Provenance of what the batch brought (shown with every record it holds): who published
    -- the data, the date of that publication, its licence and where it can be found.
    source      VARCHAR,
    source_date VARCHAR,              -- ISO date (or year) of the source's snapshot
    licence     VARCHAR,
    source_url  VARCHAR
);

-- Every authority that takes part in a partnership or a project, French or foreign.
CREATE TABLE IF NOT EXISTS authorities (
    id            VARCHAR PRIMARY KEY,
    level         VARCHAR NOT NULL,   -- region, departement, epci, commune, place, admin1, country
    name          VARCHAR NOT NULL,
    name_fr       VARCHAR,
    country_iso2  VARCHAR NOT NULL,
    is_french     BOOLEAN NOT NULL,
    insee         VARCHAR,            -- INSEE COG code (commune, département, région)
    siren         VARCHAR,
    departement   VARCHAR,            -- French side: INSEE code of the département
    region        VARCHAR,            -- French side: INSEE code of the région
    epci          VARCHAR,            -- French communes: SIREN of their EPCI
    admin1        VARCHAR,            -- foreign side: admin-1 code (ISO 3166-2 or GeoNames)
    geonames_id   BIGINT,
    wikidata      VARCHAR,
    population    BIGINT,
    lon           DOUBLE,
    lat           DOUBLE,
    geo_precision VARCHAR,            -- mairie, centroid, gazetteer, admin1, country, file, manual
    batch_id      VARCHAR
);

-- Formal or informal standing relations: twinnings, cooperation agreements, friendship pacts.
CREATE TABLE IF NOT EXISTS partnerships (
    id          VARCHAR PRIMARY KEY,
    fr_id       VARCHAR NOT NULL REFERENCES authorities(id),
    partner_id  VARCHAR NOT NULL REFERENCES authorities(id),
    kind        VARCHAR NOT NULL,     -- action kind code: jumelage, cooperation_decentralisee, …
    agreement   VARCHAR,              -- accord de jumelage, convention de coopération, pacte d'amitié, aucun
    since       INTEGER,
    until       INTEGER,
    status      VARCHAR,              -- en_cours, termine, en_projet, suspendu
    formalised  BOOLEAN,
    batch_id    VARCHAR
);

CREATE TABLE IF NOT EXISTS projects (
    id            VARCHAR PRIMARY KEY,
    title         VARCHAR NOT NULL,
    description   VARCHAR,
    year_start    INTEGER,
    year_end      INTEGER,
    status        VARCHAR,
    kind          VARCHAR REFERENCES action_kinds(code),
    mode          VARCHAR,            -- direct, indirect
    engagement    VARCHAR,            -- ponctuel, durable
    sides         VARCHAR,            -- unilateral, bilateral, multilateral
    budget_eur    DOUBLE,
    partnership_id VARCHAR,
    batch_id      VARCHAR
);

-- Parties of each project: n French authorities × m partner authorities.
CREATE TABLE IF NOT EXISTS project_parties (
    project_id   VARCHAR NOT NULL REFERENCES projects(id),
    authority_id VARCHAR NOT NULL REFERENCES authorities(id),
    role         VARCHAR NOT NULL,    -- lead, french_partner, partner
    PRIMARY KEY (project_id, authority_id)
);
CREATE TABLE IF NOT EXISTS project_themes (
    project_id VARCHAR NOT NULL REFERENCES projects(id),
    theme_code VARCHAR NOT NULL REFERENCES themes(code),
    PRIMARY KEY (project_id, theme_code)
);
CREATE TABLE IF NOT EXISTS project_sdgs (
    project_id VARCHAR NOT NULL REFERENCES projects(id),
    sdg        INTEGER NOT NULL REFERENCES sdgs(number),
    PRIMARY KEY (project_id, sdg)
);
CREATE TABLE IF NOT EXISTS project_funding (
    project_id   VARCHAR NOT NULL REFERENCES projects(id),
    funding_code VARCHAR NOT NULL REFERENCES funding_instruments(code),
    amount_eur   DOUBLE,
    PRIMARY KEY (project_id, funding_code)
);
-- Associated actors of indirect cooperation: associations, schools, hospitals, companies…
-- The observatory of a territory's international actors (atlas.db.observatory) reads the seat,
-- sectors, countries, SDGs and supports below; an actor named only in a project has no seat.
CREATE TABLE IF NOT EXISTS actors (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    type        VARCHAR,              -- models.ACTOR_TYPES code
    batch_id    VARCHAR,
    commune     VARCHAR,              -- INSEE code of the seat's commune
    departement VARCHAR,              -- INSEE code of the seat's département
    region      VARCHAR,              -- INSEE code of the seat's région
    lon         DOUBLE,               -- seat (the commune's point unless the file gives one)
    lat         DOUBLE,
    identifier  VARCHAR,              -- SIREN/SIRET or RNA number
    website     VARCHAR,
    description VARCHAR,
    since       INTEGER,              -- first year of international action
    until       INTEGER               -- last year (NULL: still active)
);
-- Sectors (models.SECTORS), countries where it acts, and SDGs an actor contributes to.
CREATE TABLE IF NOT EXISTS actor_sectors (
    actor_id VARCHAR NOT NULL REFERENCES actors(id),
    sector   VARCHAR NOT NULL,
    PRIMARY KEY (actor_id, sector)
);
CREATE TABLE IF NOT EXISTS actor_countries (
    actor_id     VARCHAR NOT NULL REFERENCES actors(id),
    country_iso2 VARCHAR NOT NULL,
    since        INTEGER,
    until        INTEGER,
    PRIMARY KEY (actor_id, country_iso2)
);
CREATE TABLE IF NOT EXISTS actor_sdgs (
    actor_id VARCHAR NOT NULL REFERENCES actors(id),
    sdg      INTEGER NOT NULL REFERENCES sdgs(number),
    PRIMARY KEY (actor_id, sdg)
);
-- The "indirect" engagement of an authority: a grant or technical support to an actor of its
-- territory, for a year (models.SUPPORT_KINDS).
CREATE TABLE IF NOT EXISTS actor_supports (
    actor_id     VARCHAR NOT NULL REFERENCES actors(id),
    authority_id VARCHAR NOT NULL REFERENCES authorities(id),
    kind         VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    amount_eur   DOUBLE,
    batch_id     VARCHAR,
    PRIMARY KEY (actor_id, authority_id, kind, year)
);
CREATE TABLE IF NOT EXISTS project_actors (
    project_id VARCHAR NOT NULL REFERENCES projects(id),
    actor_id   VARCHAR NOT NULL REFERENCES actors(id),
    role       VARCHAR,
    PRIMARY KEY (project_id, actor_id)
);

-- ---- Imports (atlas.ingest): review queue, analysts' decisions, names kept from files ---------
-- Rows of an import that could not be matched without a person: ambiguous homonyms, unknown
-- names. Each holds the parsed row, replayed once every side of it is decided.
CREATE TABLE IF NOT EXISTS review_queue (
    id           VARCHAR PRIMARY KEY,   -- stable: same file, row and side -> same id
    batch_id     VARCHAR,               -- import batch that queued it
    file_name    VARCHAR,
    file_hash    VARCHAR,
    row_number   INTEGER,
    side         VARCHAR NOT NULL,      -- french, partner
    reason       VARCHAR NOT NULL,      -- ambiguous, unmatched
    detail       VARCHAR,               -- the reason in words
    raw_value    VARCHAR NOT NULL,      -- the name as written
    context      VARCHAR,               -- département or country as written
    decision_key VARCHAR NOT NULL,      -- same value in the same context -> same decision
    candidates   JSON,                  -- [{id, name, detail, score, lon, lat}]
    record       JSON,                  -- the parsed row
    status       VARCHAR NOT NULL DEFAULT 'open',  -- open, resolved, ignored, imported
    created_at   TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP,
    imported_batch VARCHAR              -- batch that imported the row once decided
);
-- An analyst's choice for a value, applied to the queue and to every later import.
CREATE TABLE IF NOT EXISTS review_decisions (
    decision_key VARCHAR PRIMARY KEY,
    side         VARCHAR NOT NULL,      -- french, partner
    raw_value    VARCHAR NOT NULL,
    authority_id VARCHAR,               -- chosen authority (commune:…, geonames:…, admin1:…, place:…)
    name         VARCHAR,               -- for a place typed by coordinates
    country_iso2 VARCHAR,
    lon          DOUBLE,
    lat          DOUBLE,
    decided_at   TIMESTAMP NOT NULL,
    note         VARCHAR
);
-- Other names of an authority met in imported files: historical names of merged communes, and
-- partner names as written ("Londres" for London).
CREATE TABLE IF NOT EXISTS authority_aliases (
    authority_id VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- historical, file
    batch_id     VARCHAR,
    PRIMARY KEY (authority_id, alias)
);

-- ---- Accounts (atlas.ingest.accounts): who may change what, and what was changed -------------
-- Roles: admin (everything, users), contributor (the records of its own authority or territory:
-- `scope` is an authority id such as commune:26198, departement:26 or region:84), reader.
CREATE TABLE IF NOT EXISTS users (
    name            VARCHAR PRIMARY KEY,
    role            VARCHAR NOT NULL,
    scope           VARCHAR,
    password_hash   VARCHAR NOT NULL,   -- argon2id (argon2-cffi)
    created_at      TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    disabled        BOOLEAN NOT NULL DEFAULT false
);
-- Every change and every sign-in attempt: who, when, what.
CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL,
    user_name VARCHAR,
    action    VARCHAR NOT NULL,         -- sign_in, sign_in_refused, declare, update, undo, import, user_add…
    target    VARCHAR,                  -- batch id, record id or user name
    detail    VARCHAR
);
-- The signed-in user who made a batch (declarations, imports from the app); NULL for the CLI.
ALTER TABLE import_batches ADD COLUMN IF NOT EXISTS user_name VARCHAR;
-- "À jour au …": an authority's contributor confirms that its records are current.
CREATE TABLE IF NOT EXISTS confirmations (
    authority_id VARCHAR NOT NULL,
    confirmed_at TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL
);

-- ---- Partnership exchange (Bourse partenariat, atlas.db.exchange) ------------------------------
-- Offers and requests of partnership published by an authority, French or foreign. The country
-- concerned is the foreign side: the country sought by a French author, a foreign author's own.
CREATE TABLE IF NOT EXISTS exchange_posts (
    id           VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,      -- offre, demande (models.EXCHANGE_KINDS)
    authority_id VARCHAR NOT NULL REFERENCES authorities(id),
    title        VARCHAR NOT NULL,
    description  VARCHAR,
    country_iso2 VARCHAR,               -- country concerned (NULL: any country of the zone)
    zone         VARCHAR,               -- zone concerned when no country is given
    area         VARCHAR,               -- a region or province of that country, as written
    action_kind  VARCHAR,               -- kind of cooperation sought (action_kinds.code)
    contact      VARCHAR,
    status       VARCHAR NOT NULL DEFAULT 'ouverte',  -- ouverte, appariee, close
    published_at TIMESTAMP NOT NULL,
    expires_on   DATE NOT NULL,
    user_name    VARCHAR,               -- the signed-in contributor who published it
    batch_id     VARCHAR                -- its import batch (a publication, or the demonstration)
);
CREATE TABLE IF NOT EXISTS exchange_post_themes (
    post_id    VARCHAR NOT NULL REFERENCES exchange_posts(id),
    theme_code VARCHAR NOT NULL REFERENCES themes(code),
    PRIMARY KEY (post_id, theme_code)
);
