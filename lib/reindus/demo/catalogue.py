"""Fixed material the demo dataset is drawn from: the real 2023 projects, supply-chain templates,
funding schemes and name parts. Figures attached to them by the generator are fictitious.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The demo is a snapshot taken on this day, so the same seed always gives the same rows.
DEMO_AS_OF = date(2026, 11, 20)


@dataclass(frozen=True)
class Link:
    tier: str  # key of reference.programme.CHAIN_POSITIONS
    label: str
    naf_codes: tuple[str, ...]
    need: str


@dataclass(frozen=True)
class Chain:
    key: str
    sector: str
    project_naf: str
    links: tuple[Link, ...]


CHAINS: dict[str, Chain] = {
    c.key: c
    for c in (
        Chain(
            "lin",
            "Textile – confection lin",
            "14.13Z",
            (
                Link(
                    "matiere",
                    "Culture et teillage du lin",
                    ("01.16Z",),
                    "Fibre de lin teillée, origine Normandie",
                ),
                Link("transformation", "Filature", ("13.10Z",), "Fil de lin peigné, titrage Nm 26 à 40"),
                Link("transformation", "Tissage", ("13.20Z",), "Toile de lin 180 à 240 g/m²"),
                Link(
                    "transformation", "Ennoblissement", ("13.30Z",), "Teinture et apprêt certifiés OEKO-TEX"
                ),
                Link(
                    "fabrication",
                    "Confection",
                    ("14.13Z", "14.14Z"),
                    "Atelier de confection, séries de 200 à 2 000 pièces",
                ),
                Link(
                    "distribution", "Distribution", ("46.41Z", "47.71Z"), "Grossiste et boutiques partenaires"
                ),
            ),
        ),
        Chain(
            "coton",
            "Textile – linge de maison",
            "13.92Z",
            (
                Link("matiere", "Fil de coton", ("13.10Z",), "Fil de coton biologique peigné"),
                Link("transformation", "Tissage éponge", ("13.20Z", "13.91Z"), "Éponge bouclette 500 g/m²"),
                Link(
                    "transformation",
                    "Teinture et finition",
                    ("13.30Z",),
                    "Teinture à faible consommation d'eau",
                ),
                Link("fabrication", "Confection de linge", ("13.92Z",), "Coupe, ourlets, étiquetage"),
                Link("assemblage", "Emballage", ("17.21A", "17.21C"), "Étuis carton recyclé"),
                Link("distribution", "Distribution", ("46.41Z", "47.51Z"), "Boutiques et vente en ligne"),
            ),
        ),
        Chain(
            "velo",
            "Mobilité – cycles et vélos-taxis",
            "30.92Z",
            (
                Link("matiere", "Tubes et profilés aluminium", ("24.42Z", "24.20Z"), "Tubes aluminium 6061"),
                Link(
                    "transformation",
                    "Usinage et traitement de surface",
                    ("25.62A", "25.62B", "25.61Z"),
                    "Usinage CN, anodisation",
                ),
                Link(
                    "fabrication",
                    "Moteurs et batteries",
                    ("27.11Z", "27.20Z"),
                    "Moteur pédalier 250 W, batterie 48 V",
                ),
                Link("fabrication", "Cadres et assemblage", ("30.92Z",), "Soudure et assemblage des cadres"),
                Link("assemblage", "Électronique embarquée", ("26.11Z", "26.12Z"), "Contrôleur et faisceaux"),
                Link(
                    "distribution",
                    "Maintenance et distribution",
                    ("33.17Z", "46.49Z"),
                    "Réseau d'entretien local",
                ),
            ),
        ),
        Chain(
            "chaleur",
            "Énergie – réseaux de chaleur",
            "35.30Z",
            (
                Link("matiere", "Bois-énergie", ("02.20Z", "02.40Z"), "Plaquettes forestières locales"),
                Link(
                    "transformation", "Sciage et granulés", ("16.10A", "16.29Z"), "Granulés certifiés DINplus"
                ),
                Link(
                    "fabrication",
                    "Chaudières et échangeurs",
                    ("25.21Z", "28.21Z"),
                    "Chaudières biomasse 1 à 5 MW",
                ),
                Link(
                    "fabrication", "Isolants biosourcés", ("16.29Z", "23.99Z"), "Isolation des canalisations"
                ),
                Link("distribution", "Pose des réseaux", ("43.22B", "42.21Z"), "Pose et raccordement"),
            ),
        ),
        Chain(
            "gants",
            "Pharmacie – gants pour boîtes à gants",
            "22.19Z",
            (
                Link("matiere", "Élastomères", ("20.17Z", "20.16Z"), "Hypalon, EPDM, néoprène"),
                Link(
                    "transformation", "Mélangeage et trempage", ("22.19Z",), "Trempage de gants multicouches"
                ),
                Link(
                    "fabrication",
                    "Contrôle et stérilisation",
                    ("71.20B", "21.20Z"),
                    "Tests d'étanchéité, stérilisation",
                ),
                Link(
                    "assemblage",
                    "Isolateurs et boîtes à gants",
                    ("28.29B", "32.50A"),
                    "Intégration sur isolateurs",
                ),
                Link(
                    "distribution",
                    "Distribution pharmaceutique",
                    ("46.46Z", "46.69B"),
                    "Laboratoires et hôpitaux",
                ),
            ),
        ),
        Chain(
            "ameublement",
            "Textile – ameublement pour l'hôtellerie",
            "13.92Z",
            (
                Link("matiere", "Fibres et fils", ("13.10Z",), "Fils non feu M1"),
                Link(
                    "transformation",
                    "Tissage et tricotage",
                    ("13.20Z", "13.91Z"),
                    "Tissus non feu, occultants",
                ),
                Link("transformation", "Ennoblissement", ("13.30Z",), "Traitement ignifuge"),
                Link(
                    "fabrication",
                    "Confection d'ameublement",
                    ("13.92Z", "31.03Z"),
                    "Rideaux, dessus-de-lit, matelas",
                ),
                Link(
                    "distribution",
                    "Distribution hôtellerie",
                    ("46.47Z", "46.41Z"),
                    "Centrales d'achat hôtelières",
                ),
            ),
        ),
        Chain(
            "restauration",
            "Restauration rapide – approvisionnement",
            "56.10C",
            (
                Link("matiere", "Céréales", ("01.11Z",), "Blé tendre CRC"),
                Link("transformation", "Meunerie", ("10.61A",), "Farine T45 et T55"),
                Link(
                    "fabrication",
                    "Viennoiserie industrielle",
                    ("10.71A", "10.71B"),
                    "Croissants surgelés crus",
                ),
                Link(
                    "fabrication",
                    "Emballages compostables",
                    ("17.21A", "17.29Z", "22.22Z"),
                    "Sachets et gobelets sans plastique",
                ),
                Link(
                    "distribution",
                    "Logistique alimentaire",
                    ("46.39B", "52.10B"),
                    "Entrepôts et livraison aux points de vente",
                ),
            ),
        ),
        Chain(
            "meuble",
            "Ameublement bois",
            "31.09B",
            (
                Link("matiere", "Exploitation forestière", ("02.20Z",), "Chêne et hêtre français"),
                Link("transformation", "Sciage", ("16.10A",), "Avivés séchés"),
                Link("transformation", "Panneaux", ("16.21Z",), "Contreplaqué et panneaux"),
                Link(
                    "fabrication", "Fabrication de meubles", ("31.09B", "31.01Z"), "Menuiserie et assemblage"
                ),
                Link("assemblage", "Quincaillerie", ("25.72Z", "25.99B"), "Charnières, coulisses"),
                Link("distribution", "Distribution", ("46.47Z", "47.59A"), "Négoce et magasins"),
            ),
        ),
        Chain(
            "cosmetique",
            "Cosmétique",
            "20.42Z",
            (
                Link("matiere", "Huiles végétales", ("10.41A", "01.26Z"), "Huile de colza et de lin"),
                Link("transformation", "Chimie fine", ("20.14Z", "20.53Z"), "Actifs et huiles essentielles"),
                Link("fabrication", "Formulation et remplissage", ("20.42Z",), "Façonnier cosmétique"),
                Link("assemblage", "Flaconnage", ("23.13Z", "22.22Z"), "Flacons verre et plastique recyclé"),
                Link("distribution", "Distribution", ("46.45Z", "47.75Z"), "Pharmacies et parfumeries"),
            ),
        ),
        Chain(
            "electronique",
            "Électronique",
            "26.12Z",
            (
                Link("matiere", "Composants", ("26.11Z",), "Composants passifs et semi-conducteurs"),
                Link("fabrication", "Cartes électroniques", ("26.12Z",), "Assemblage CMS"),
                Link("fabrication", "Boîtiers", ("22.29A", "25.99B"), "Injection plastique, tôlerie"),
                Link(
                    "assemblage", "Intégration et tests", ("27.90Z", "26.51B"), "Intégration et bancs de test"
                ),
                Link("distribution", "Distribution", ("46.52Z",), "Distributeurs de composants"),
            ),
        ),
        Chain(
            "ustensiles",
            "Articles culinaires",
            "25.99B",
            (
                Link("matiere", "Acier et fonte", ("24.10Z", "24.51Z"), "Tôle inox et fonte"),
                Link("transformation", "Emboutissage", ("25.50B",), "Emboutissage profond"),
                Link("fabrication", "Revêtements", ("25.61Z",), "Revêtement céramique sans PFAS"),
                Link(
                    "assemblage", "Poignées et assemblage", ("25.99B", "16.29Z"), "Poignées bois et rivetage"
                ),
                Link(
                    "distribution", "Distribution", ("46.49Z", "47.59B"), "Grande distribution et boutiques"
                ),
            ),
        ),
        Chain(
            "alimentaire",
            "Agroalimentaire – produits laitiers",
            "10.51C",
            (
                Link("matiere", "Lait", ("01.41Z",), "Lait de vache AOP"),
                Link("transformation", "Transformation laitière", ("10.51C", "10.51A"), "Fromagerie"),
                Link("fabrication", "Emballages", ("17.21A", "16.24Z"), "Boîtes bois et cartons"),
                Link(
                    "distribution",
                    "Logistique frigorifique",
                    ("52.10A", "46.33Z"),
                    "Entreposage frigorifique",
                ),
            ),
        ),
    )
}


# The seven projects of the 2023 Rouen edition (press release of 16 November 2023).
# Commune codes are INSEE codes; jobs and amounts are added by the generator and are fictitious.
@dataclass(frozen=True)
class RealProject:
    name: str
    commune: str
    chain: str
    description: str


REAL_PROJECTS_2023: tuple[RealProject, ...] = (
    RealProject(
        "MIJUIN",
        "76402",
        "lin",
        "Conforter le modèle économique de MIJUIN en intégrant la fabrication de marques complémentaires",
    ),
    RealProject(
        "HUMAN MOB",
        "76540",
        "velo",
        "Vélo-taxi innovant : proposer un nouveau service public et de transport de marchandises",
    ),
    RealProject(
        "ARTHUS et PAOLA",
        "76451",
        "coton",
        "Développer un atelier en circuit court en Normandie pour du linge de bain",
    ),
    RealProject(
        "Conseil Départemental du Calvados",
        "14118",
        "chaleur",
        "Rechercher des alternatives aux réseaux de chauffage existants en intégrant des matériaux sourcés localement",
    ),
    RealProject("PIERCAN", "14515", "gants", "Développement de nouveaux marchés sur les boîtes à gants"),
    RealProject(
        "TOUROUL-CHEVALERIE",
        "77085",
        "ameublement",
        "Relocaliser la partie des approvisionnements encore achetée hors de France (textiles d'ameublement pour l'hôtellerie et le tourisme)",
    ),
    RealProject(
        "Groupe DELINEO",
        "92024",
        "restauration",
        "Réduire l'empreinte environnementale de la restauration rapide (La Croissanterie, Maison Pradier, Roberta Caffé)",
    ),
)

# Editions: 2022 was Normandie alone (Rouen); the national pilot with four regions started in 2023.
# cohort start: the hackathon stage (day 140) of 2023 falls on 30 November, as in the press release.
EDITIONS: dict[int, tuple[date, tuple[str, ...], int]] = {
    # year: (cohort start, regions, demo projects per region besides the real ones)
    2022: (date(2022, 6, 1), ("28",), 5),
    2023: (date(2023, 7, 13), ("28", "11", "32", "27"), 3),
    2024: (date(2024, 5, 6), ("28", "11", "32", "27"), 4),
    2025: (date(2025, 5, 5), ("28", "11", "32", "27"), 4),
    2026: (date(2026, 8, 31), ("28", "11", "32", "27"), 5),
}

# The demo's regions: the pilots, in the order they appear above (the store lists them the same way).
DEMO_REGIONS: tuple[str, ...] = tuple(
    dict.fromkeys(code for _, codes, _ in EDITIONS.values() for code in codes)
)

FUNDING_SCHEMES: tuple[tuple[str, str, str, str | None], ...] = (
    # name, operator, kind, region (None: national)
    ("France 2030 – Industrialisation et capacités", "Bpifrance", "subvention", None),
    ("Prêt Industrie du Futur", "Bpifrance", "prêt", None),
    ("Aide pour projet d'innovation", "Bpifrance", "avance remboursable", None),
    ("Fonds Décarbonation de l'industrie", "ADEME", "subvention", None),
    ("Crédit d'impôt innovation", "DGFiP", "crédit d'impôt", None),
    ("Impulsion Industrie", "Région Normandie", "subvention", "28"),
    ("PM'up Relocalisation", "Région Île-de-France", "subvention", "11"),
    ("Aide à l'investissement industriel", "Région Hauts-de-France", "avance remboursable", "32"),
    ("Effinov Industrie", "Région Bourgogne-Franche-Comté", "avance remboursable", "27"),
)

FIRST_NAMES = (
    "Camille",
    "Nicolas",
    "Julie",
    "Thomas",
    "Sophie",
    "Antoine",
    "Claire",
    "Julien",
    "Élodie",
    "Mathieu",
    "Aurélie",
    "Sébastien",
    "Céline",
    "Guillaume",
    "Émilie",
    "Laurent",
    "Sandrine",
    "Olivier",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "François",
    "Hélène",
    "Benoît",
    "Marion",
    "Vincent",
    "Caroline",
    "Romain",
    "Anne",
    "Damien",
    "Lucie",
    "Jérôme",
    "Pauline",
    "Cédric",
    "Karine",
    "Stéphane",
    "Laure",
    "Yannick",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Leclerc",
    "Lecomte",
    "Marchand",
    "Hébert",
    "Lemoine",
    "Caron",
    "Prévost",
    "Leblanc",
    "Renaud",
)
LEGAL_FORMS = ("SAS", "SARL", "SA", "SASU", "EURL")
# Words that make a demo company name sound like its trade, by NAF division.
TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "01": ("Earl", "Gaec", "Ferme"),
    "02": ("Forestière", "Bois"),
    "10": ("Fromagerie", "Laiterie", "Moulins", "Boulangerie industrielle"),
    "13": ("Filature", "Tissage", "Textiles", "Teinturerie"),
    "14": ("Ateliers", "Confection", "Manufacture"),
    "16": ("Scierie", "Bois", "Menuiserie"),
    "17": ("Cartonnages", "Papeterie", "Emballages"),
    "20": ("Chimie", "Laboratoires", "Polymères"),
    "21": ("Laboratoires",),
    "22": ("Plasturgie", "Caoutchouc", "Injection"),
    "23": ("Verrerie", "Céramiques"),
    "24": ("Aciéries", "Fonderie", "Métallurgie"),
    "25": ("Mécanique", "Usinage", "Tôlerie", "Décolletage"),
    "26": ("Électronique", "Systèmes"),
    "27": ("Électrotechnique", "Moteurs", "Batteries"),
    "28": ("Machines", "Équipements", "Isolateurs"),
    "30": ("Cycles", "Mobilité"),
    "31": ("Meubles", "Ébénisterie"),
    "32": ("Dispositifs", "Jouets"),
    "33": ("Maintenance",),
    "35": ("Énergies",),
    "42": ("Réseaux", "Travaux"),
    "43": ("Thermique", "Installations"),
    "46": ("Négoce", "Distribution", "Comptoir"),
    "47": ("Boutique", "Maison"),
    "52": ("Entrepôts", "Logistique"),
    "56": ("Restauration",),
    "71": ("Contrôles", "Essais"),
}
DEFAULT_TRADE_WORDS = ("Industries", "Établissements", "Société")
PLACE_WORDS = (
    "du Val",
    "de la Vallée",
    "de l'Ouest",
    "du Nord",
    "de l'Est",
    "des Deux Rives",
    "du Plateau",
    "des Coteaux",
    "de Seine",
    "du Bocage",
    "de la Côte",
    "des Forges",
    "du Marais",
    "des Collines",
    "du Centre",
)
# Foreign suppliers in shortlists (no SIRET): the part of a chain still sourced abroad.
FOREIGN_SUPPLIERS: tuple[tuple[str, str], ...] = (
    ("Linificio Demo S.p.A.", "IT"),
    ("Fiação Demo Lda", "PT"),
    ("Textil Demo S.L.", "ES"),
    ("Demo Metallwerk GmbH", "DE"),
    ("Demo Components Sp. z o.o.", "PL"),
    ("Demo Weaving Co.", "IN"),
    ("Demo Packaging B.V.", "NL"),
    ("Demo Cycles Ltd", "TW"),
)
