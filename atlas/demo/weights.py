"""Shape of the demonstration atlas: which countries, themes and kinds, and how often.

The figures are rough orders of magnitude from published descriptions of French decentralised
cooperation (twinnings led by Germany, the United Kingdom and Italy; development cooperation
led by Mali, Burkina Faso and Senegal, then Madagascar, the Maghreb and Vietnam). They make the
demonstration look like the real atlas; they are not statistics.
"""

from __future__ import annotations

# Twinnings of communes, by partner country (relative weights).
TWINNING_COUNTRIES: dict[str, float] = {
    "DE": 30, "GB": 12, "IT": 11, "ES": 6, "PL": 4.5, "BE": 3.5, "PT": 3, "RO": 2.5, "IE": 2,
    "CZ": 1.6, "HU": 1.4, "AT": 1.3, "NL": 1.2, "GR": 1.1, "CA": 1.5, "US": 1.5, "CH": 1,
    "SK": 0.7, "LU": 0.5, "DK": 0.4, "SE": 0.4, "FI": 0.3, "NO": 0.3, "HR": 0.5, "SI": 0.4,
    "BG": 0.5, "LT": 0.4, "LV": 0.3, "EE": 0.2, "UA": 0.6, "MD": 0.3, "AM": 0.3, "GE": 0.2,
    "RU": 0.5, "TR": 0.3, "JP": 0.6, "CN": 0.5, "KR": 0.2, "IL": 0.3, "LB": 0.3, "MA": 0.8,
    "TN": 0.6, "DZ": 0.3, "SN": 0.8, "BF": 0.9, "ML": 0.7, "BJ": 0.4, "CM": 0.2, "CI": 0.2,
    "BR": 0.2, "MX": 0.1, "AR": 0.1, "CL": 0.1, "VN": 0.2, "CY": 0.1, "MT": 0.1, "IS": 0.05,
    "AL": 0.1, "RS": 0.2, "BA": 0.1, "MK": 0.1, "ME": 0.05, "BY": 0.1, "AD": 0.05, "MC": 0.02,
    "SM": 0.02, "LI": 0.02, "NI": 0.1, "HT": 0.1, "MG": 0.2, "TG": 0.1, "NE": 0.1, "PS": 0.1,
}

# Development cooperation (conventions and projects), by partner country.
COOPERATION_COUNTRIES: dict[str, float] = {
    "ML": 14, "BF": 13, "SN": 12, "MG": 7, "MA": 6, "TN": 4.5, "DZ": 3, "VN": 4.5, "BJ": 4.5,
    "NE": 4, "CM": 3, "HT": 3, "TG": 3, "LB": 2.5, "PS": 2.5, "KH": 2, "LA": 1.5, "CN": 2,
    "BR": 1.5, "MR": 2, "GN": 2, "CI": 2, "CD": 1.2, "CG": 1, "TD": 1, "GA": 0.8, "KM": 1,
    "DJ": 0.5, "IN": 1, "JP": 0.6, "AM": 1.2, "GE": 0.6, "UA": 1.2, "MD": 0.8, "RU": 0.5,
    "CL": 0.8, "AR": 0.6, "MX": 0.8, "CO": 0.8, "PE": 0.7, "BO": 0.6, "NI": 0.7, "CU": 0.5,
    "EC": 0.5, "IL": 0.4, "JO": 0.5, "EG": 0.6, "TR": 0.4, "RW": 0.6, "BI": 0.5, "ET": 0.5,
    "KE": 0.4, "TZ": 0.4, "MZ": 0.5, "ZA": 0.6, "GH": 0.5, "NG": 0.3, "CF": 0.4, "SL": 0.3,
    "LR": 0.2, "GM": 0.4, "GW": 0.3, "CV": 0.6, "ST": 0.2, "SC": 0.2, "MU": 0.4, "TH": 0.5,
    "ID": 0.4, "PH": 0.3, "KR": 0.4, "MN": 0.3, "UZ": 0.3, "KZ": 0.2, "CA": 1.5, "US": 0.8,
    "PL": 0.6, "RO": 0.8, "HU": 0.3, "BG": 0.3, "AL": 0.3, "RS": 0.3, "BA": 0.3, "XK": 0.1,
    "MK": 0.2, "TW": 0.2, "BD": 0.2, "NP": 0.3, "LK": 0.2, "MM": 0.2, "AF": 0.1, "IQ": 0.2,
    "SY": 0.2, "YE": 0.1, "LY": 0.2, "SD": 0.1, "SS": 0.1, "UG": 0.2, "ZM": 0.1, "ZW": 0.1,
    "AO": 0.2, "NA": 0.1, "BW": 0.1, "MW": 0.1, "LS": 0.05, "SZ": 0.05, "ER": 0.05, "SO": 0.05,
    "GQ": 0.1, "DO": 0.3, "GT": 0.2, "HN": 0.1, "SV": 0.2, "CR": 0.2, "PA": 0.1, "PY": 0.1,
    "UY": 0.2, "VE": 0.1, "JM": 0.05, "TT": 0.05, "GY": 0.05, "SR": 0.2, "BZ": 0.05, "DM": 0.05,
    "LC": 0.05, "VU": 0.2, "FJ": 0.1, "PG": 0.05, "AU": 0.2, "NZ": 0.1, "MY": 0.1, "SG": 0.1,
    "TJ": 0.05, "KG": 0.1, "AZ": 0.1, "IR": 0.05, "SA": 0.05, "AE": 0.1, "QA": 0.05, "OM": 0.05,
    "KW": 0.02, "BH": 0.02, "PK": 0.05, "BT": 0.05, "MV": 0.05, "TL": 0.05, "BN": 0.02,
    "IT": 0.8, "ES": 0.8, "DE": 0.8, "BE": 0.6, "PT": 0.4, "GR": 0.2,
}

# European territorial cooperation (Interreg): neighbours and Europe.
CTE_COUNTRIES: dict[str, float] = {
    "ES": 6, "DE": 6, "IT": 6, "BE": 5, "CH": 4, "LU": 2, "GB": 2, "PT": 1.5, "NL": 1, "IE": 1,
    "AD": 0.5, "MC": 0.3,
}

# Emergency humanitarian aid: countries hit by crises.
HUMANITARIAN_COUNTRIES: dict[str, float] = {
    "UA": 10, "LB": 5, "HT": 5, "MA": 4, "TR": 3, "SY": 3, "LY": 2, "PS": 3, "AM": 2,
    "MG": 1, "MZ": 1, "NP": 1, "PH": 1, "ML": 1, "BF": 1, "NE": 1, "SD": 1, "AF": 1,
}

EUROPE_THEMES: dict[str, float] = {
    "culture": 20, "jeunesse": 18, "education": 14, "sport": 8, "economie": 8, "tourisme": 6,
    "environnement": 6, "gouvernance": 5, "citoyennete": 5, "recherche": 4, "numerique": 3,
    "transports": 3, "paix": 2, "egalite": 2,
}

DEVELOPMENT_THEMES: dict[str, float] = {
    "eau": 18, "sante": 12, "education": 14, "agriculture": 12, "gouvernance": 12, "economie": 6,
    "culture": 4, "egalite": 4, "environnement": 6, "energie": 5, "dechets": 4, "urbanisme": 3,
    "numerique": 2, "francophonie": 2, "ess": 3, "migrations": 2, "recherche": 2, "biodiversite": 1,
}

KIND_THEMES: dict[str, dict[str, float]] = {
    "mobilite_jeunes": {"jeunesse": 10, "education": 5, "sport": 2, "culture": 2},
    "humanitaire": {"humanitaire": 10, "sante": 3, "eau": 2},
    "cte": {"environnement": 5, "transports": 4, "economie": 4, "tourisme": 3, "recherche": 2,
            "sante": 2, "biodiversite": 2, "culture": 2},
    "economique": {"economie": 8, "numerique": 3, "tourisme": 2, "recherche": 2, "ess": 2},
    "ecsi": {"citoyennete": 10, "education": 3, "paix": 2},
    "reseaux": {"urbanisme": 4, "environnement": 4, "gouvernance": 4, "energie": 2},
}

TITLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "eau": ("Accès à l'eau potable à {p}", "Assainissement et hygiène à {p}",
            "Gestion du service de l'eau de {p}"),
    "sante": ("Appui au centre de santé de {p}", "Santé maternelle et infantile à {p}"),
    "education": ("Construction d'écoles à {p}", "Échanges scolaires {f} – {p}",
                  "Formation des enseignants de {p}"),
    "agriculture": ("Maraîchage et sécurité alimentaire à {p}", "Filières agricoles de {p}"),
    "gouvernance": ("Appui à la maîtrise d'ouvrage communale de {p}", "État civil et fiscalité locale à {p}"),
    "economie": ("Développement économique local de {p}", "Rencontres d'entreprises {f} – {p}"),
    "culture": ("Festival et échanges culturels {f} – {p}", "Valorisation du patrimoine de {p}"),
    "jeunesse": ("Échanges de jeunes {f} – {p}", "Chantiers internationaux de jeunes à {p}"),
    "environnement": ("Plan climat territorial de {p}", "Reboisement autour de {p}"),
    "energie": ("Électrification solaire à {p}", "Efficacité énergétique des bâtiments de {p}"),
    "dechets": ("Collecte et valorisation des déchets à {p}",),
    "urbanisme": ("Planification urbaine de {p}", "Adressage et cadastre de {p}"),
    "tourisme": ("Tourisme durable entre {f} et {p}",),
    "egalite": ("Autonomisation des femmes à {p}",),
    "humanitaire": ("Aide d'urgence à {p}", "Soutien aux sinistrés de {p}"),
    "sport": ("Rencontres sportives {f} – {p}",),
    "numerique": ("Services numériques municipaux de {p}",),
    "migrations": ("Co-développement avec la diaspora de {p}",),
    "recherche": ("Coopération universitaire {f} – {p}",),
    "ess": ("Coopératives et économie solidaire à {p}",),
    "citoyennete": ("Éducation à la citoyenneté mondiale {f} – {p}",),
    "francophonie": ("Lecture publique et francophonie à {p}",),
    "transports": ("Mobilité transfrontalière {f} – {p}",),
    "biodiversite": ("Préservation des zones humides de {p}",),
    "paix": ("Mémoire et réconciliation {f} – {p}",),
}

ACTOR_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("association", "Comité de jumelage de {f}"),
    ("association", "Association {f} Solidarité {c}"),
    ("association", "Les Amis de {p}"),
    ("ecole", "Lycée professionnel de {f}"),
    ("universite", "Université partenaire de {f}"),
    ("hopital", "Centre hospitalier de {f}"),
    ("entreprise", "Régie des eaux de {f}"),
    ("association", "Maison des jeunes de {f}"),
)
