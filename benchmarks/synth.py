"""Synthetic Assemblée nationale dump: N written questions in the official JSON schema.

Writes a zip shaped like the official ``Questions_ecrites.json.zip``: one member
``json/QANR5L{leg}QE{n}.json`` per question, each ``{"question": {...}}`` with the
keys, key order, nesting and string-only scalars of the real records (DATA.md §1;
serialised like QANR5L17QE5268.json: ``json.dumps`` defaults, ASCII escapes).

The prose is French administrative prose built at generation time from the real
records in ``../shared/corpus``: an order-2 word Markov chain trained on the real
question and answer texts (written questions, and the deputies' and ministers'
turns of the 539 oral questions, first person and apostrophes filtered out) mixed
with sentence templates carrying the topic of the question, legal references
(« décret n° 2002-65 du 14 janvier 2002 », « article L. 1234-5 du code… »), figures,
guillemets and non-breaking spaces.  Deputies, groups and (16th legislature on)
ministries are the real AMO records of ``amo16``, so that importing amo16 resolves
the authors; earlier legislatures use the ministries of the 13th legislature.

Deterministic: the same (count, seed, legislature) gives the same bytes.

    python benchmarks/synth.py --count 20000 --seed 1 --legislature 13 --out /tmp/x.zip
"""

from __future__ import annotations

import argparse
import functools
import glob
import html
import json
import math
import os
import random
import re
import sys
import time
import zipfile
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qe_desktop.dates import MONTHS_FR

ROOT = Path(__file__).resolve().parent.parent
#: The real records the vocabulary is learnt from (override with $QE_SHARED_CORPUS).
DEFAULT_CORPUS = Path(os.environ.get("QE_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))

NBSP = "\u00a0"
XMLNS = "http://schemas.assemblee-nationale.fr/referentiel"
XMLNS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: Legislature -> (first day, last day); None for the current one.
LEGISLATURES: dict[int, tuple[date, date | None]] = {
    8: (date(1986, 4, 2), date(1988, 5, 14)),
    9: (date(1988, 6, 23), date(1993, 4, 1)),
    10: (date(1993, 4, 2), date(1997, 4, 21)),
    11: (date(1997, 6, 12), date(2002, 6, 18)),
    12: (date(2002, 6, 19), date(2007, 6, 19)),
    13: (date(2007, 6, 20), date(2012, 6, 19)),
    14: (date(2012, 6, 20), date(2017, 6, 20)),
    15: (date(2017, 6, 21), date(2022, 6, 21)),
    16: (date(2022, 6, 22), date(2024, 6, 9)),
    17: (date(2024, 7, 18), None),
}
#: The day the dump of the current legislature is taken (DATA.md §7 counts).
DUMP_DATE = date(2026, 8, 10)

#: Share of answered questions, and how the others end (closed legislatures).
ANSWERED = 0.75
#: codeCloture / libelleCloture of the closures other than REP_PUB.  Only REP_PUB
#: is verified in a real record; the others follow the legacy XML CLOTURE labels
#: and the web pages ("Question retirée le : … (fin de mandat)").
CLOSURE_ANSWERED = ("REP_PUB", "Réponse publiée")
CLOSURE_WITHDRAWN = ("RET", "Retrait")
CLOSURE_END_OF_MANDATE = ("FM", "Fin de mandat")
CLOSURE_LAPSED = ("CAD", "Caducité")

# -- reference tables ----------------------------------------------------------

#: Ministries of the 13th legislature (Fillon governments): key -> (abrege, developpe).
#: Used for legislatures before the 16th, whose minInt carries no organeRef.
HISTORICAL_MINISTRIES: dict[str, tuple[str, str]] = {
    "premier": ("Premier ministre", "Premier ministre"),
    "affaires_etrangeres": (
        "Affaires étrangères et européennes",
        "Ministère des affaires étrangères et européennes",
    ),
    "europe": ("Affaires européennes", "Secrétariat d'État chargé des affaires européennes"),
    "agriculture": ("Agriculture et pêche", "Ministère de l'agriculture et de la pêche"),
    "budget": (
        "Budget, comptes publics et fonction publique",
        "Ministère du budget, des comptes publics et de la fonction publique",
    ),
    "fonction_publique": ("Fonction publique", "Secrétariat d'État chargé de la fonction publique"),
    "culture": ("Culture et communication", "Ministère de la culture et de la communication"),
    "defense": ("Défense", "Ministère de la défense"),
    "anciens_combattants": (
        "Défense et anciens combattants",
        "Secrétariat d'État à la défense et aux anciens combattants",
    ),
    "ecologie": (
        "Écologie, énergie, développement durable et aménagement du territoire",
        "Ministère de l'écologie, de l'énergie, du développement durable et de l'aménagement du territoire",
    ),
    "energie": ("Énergie et climat", "Secrétariat d'État chargé de l'énergie et du climat"),
    "transports": ("Transports", "Secrétariat d'État chargé des transports"),
    "economie": ("Économie, industrie et emploi", "Ministère de l'économie, de l'industrie et de l'emploi"),
    "industrie": (
        "Industrie et consommation",
        "Secrétariat d'État chargé de l'industrie et de la consommation",
    ),
    "commerce": (
        "Commerce, artisanat et petites et moyennes entreprises",
        "Secrétariat d'État chargé du commerce, de l'artisanat et des petites et moyennes entreprises",
    ),
    "emploi": ("Emploi", "Secrétariat d'État chargé de l'emploi"),
    "education": ("Éducation nationale", "Ministère de l'éducation nationale"),
    "enseignement_superieur": (
        "Enseignement supérieur et recherche",
        "Ministère de l'enseignement supérieur et de la recherche",
    ),
    "interieur": (
        "Intérieur, outre-mer et collectivités territoriales",
        "Ministère de l'intérieur, de l'outre-mer et des collectivités territoriales",
    ),
    "collectivites": (
        "Collectivités territoriales",
        "Secrétariat d'État chargé des collectivités territoriales",
    ),
    "outre_mer": ("Outre-mer", "Secrétariat d'État chargé de l'outre-mer"),
    "justice": ("Justice", "Ministère de la justice"),
    "logement": ("Logement et ville", "Ministère du logement et de la ville"),
    "sante": (
        "Santé, jeunesse, sports et vie associative",
        "Ministère de la santé, de la jeunesse, des sports et de la vie associative",
    ),
    "sports": ("Sports", "Secrétariat d'État chargé des sports"),
    "travail": (
        "Travail, relations sociales, famille et solidarité",
        "Ministère du travail, des relations sociales, de la famille et de la solidarité",
    ),
    "solidarites": ("Solidarité", "Secrétariat d'État chargé de la solidarité"),
    "handicap": ("Solidarité", "Secrétariat d'État chargé de la solidarité"),
    "immigration": (
        "Immigration, intégration, identité nationale et développement solidaire",
        "Ministère de l'immigration, de l'intégration, de l'identité nationale et du développement solidaire",
    ),
    "numerique": (
        "Prospective et développement de l'économie numérique",
        "Secrétariat d'État chargé de la prospective et du développement de l'économie numérique",
    ),
}

#: The same keys -> AMO organe uid of the ministries in amo16 (16th legislature on).
AMO_MINISTRIES: dict[str, str] = {
    "premier": "PO791580",
    "affaires_etrangeres": "PO791595",
    "europe": "PO801899",
    "agriculture": "PO791613",
    "budget": "PO791629",
    "fonction_publique": "PO791615",
    "culture": "PO791619",
    "defense": "PO791603",
    "anciens_combattants": "PO801903",
    "ecologie": "PO791599",
    "energie": "PO791621",
    "transports": "PO801887",
    "economie": "PO791591",
    "industrie": "PO801867",
    "commerce": "PO801877",
    "emploi": "PO791607",
    "education": "PO791601",
    "enseignement_superieur": "PO791611",
    "interieur": "PO801854",
    "collectivites": "PO801879",
    "outre_mer": "PO801881",
    "justice": "PO791597",
    "logement": "PO801889",
    "sante": "PO791605",
    "sports": "PO791623",
    "travail": "PO791607",
    "solidarites": "PO791609",
    "handicap": "PO801893",
    "immigration": "PO801897",
    "numerique": "PO801875",
}

#: Who the questions are about, by ministry.
PUBLICS: dict[str, tuple[str, ...]] = {
    "sante": (
        "patients",
        "professionnels de santé",
        "médecins généralistes",
        "établissements de santé",
        "assurés sociaux",
    ),
    "agriculture": (
        "exploitants agricoles",
        "éleveurs",
        "viticulteurs",
        "jeunes agriculteurs",
        "coopératives agricoles",
    ),
    "budget": ("contribuables", "ménages", "entreprises", "collectivités locales", "redevables"),
    "fonction_publique": (
        "agents publics",
        "fonctionnaires",
        "agents contractuels",
        "personnels administratifs",
    ),
    "culture": (
        "artistes",
        "établissements culturels",
        "intermittents du spectacle",
        "bibliothèques",
        "musées",
    ),
    "defense": ("militaires", "personnels civils de la défense", "réservistes", "familles de militaires"),
    "anciens_combattants": (
        "anciens combattants",
        "veuves d'anciens combattants",
        "pupilles de la Nation",
        "harkis",
    ),
    "ecologie": (
        "élus locaux",
        "associations de protection de l'environnement",
        "riverains",
        "collectivités",
    ),
    "energie": ("ménages", "consommateurs", "producteurs d'électricité", "entreprises"),
    "transports": ("usagers", "transporteurs routiers", "voyageurs", "collectivités", "cheminots"),
    "economie": ("entreprises", "petites et moyennes entreprises", "consommateurs", "salariés", "épargnants"),
    "industrie": ("entreprises industrielles", "sous-traitants", "salariés", "consommateurs"),
    "commerce": ("commerçants", "artisans", "petites entreprises", "professionnels du tourisme"),
    "emploi": ("demandeurs d'emploi", "salariés", "employeurs", "jeunes", "seniors"),
    "education": ("enseignants", "élèves", "familles", "directeurs d'école", "parents d'élèves"),
    "enseignement_superieur": ("étudiants", "enseignants-chercheurs", "universités", "doctorants"),
    "interieur": ("communes", "élus locaux", "policiers", "gendarmes", "maires"),
    "collectivites": ("communes", "intercommunalités", "départements", "élus locaux"),
    "outre_mer": ("ultramarins", "collectivités d'outre-mer", "entreprises ultramarines"),
    "justice": ("justiciables", "magistrats", "avocats", "greffiers", "victimes"),
    "logement": ("locataires", "propriétaires", "bailleurs sociaux", "demandeurs de logement"),
    "sports": ("clubs sportifs", "associations", "bénévoles", "éducateurs sportifs"),
    "travail": ("salariés", "retraités", "familles", "employeurs", "assurés"),
    "solidarites": ("personnes âgées", "familles", "aidants familiaux", "bénéficiaires des minima sociaux"),
    "handicap": (
        "personnes handicapées",
        "familles",
        "aidants",
        "enfants handicapés",
        "travailleurs handicapés",
    ),
    "immigration": ("ressortissants étrangers", "demandeurs d'asile", "préfectures", "familles"),
    "numerique": ("opérateurs", "usagers", "entreprises du numérique", "collectivités"),
    "affaires_etrangeres": (
        "Français de l'étranger",
        "organisations non gouvernementales",
        "ressortissants français",
    ),
    "europe": ("agriculteurs", "entreprises", "États membres", "citoyens européens"),
    "premier": ("administrations", "élus", "citoyens", "services de l'État"),
}

#: The codes a question about each ministry cites.
CODES: dict[str, tuple[str, ...]] = {
    "sante": ("le code de la santé publique", "le code de la sécurité sociale"),
    "solidarites": ("le code de l'action sociale et des familles", "le code de la sécurité sociale"),
    "handicap": ("le code de l'action sociale et des familles", "le code de l'éducation"),
    "travail": ("le code du travail", "le code de la sécurité sociale"),
    "emploi": ("le code du travail",),
    "budget": ("le code général des impôts", "le livre des procédures fiscales"),
    "interieur": ("le code général des collectivités territoriales", "le code de la route"),
    "collectivites": ("le code général des collectivités territoriales",),
    "justice": ("le code civil", "le code pénal", "le code de procédure pénale"),
    "education": ("le code de l'éducation",),
    "enseignement_superieur": ("le code de l'éducation", "le code de la recherche"),
    "ecologie": ("le code de l'environnement", "le code de l'urbanisme"),
    "energie": ("le code de l'énergie", "le code de l'environnement"),
    "logement": ("le code de la construction et de l'habitation", "le code de l'urbanisme"),
    "agriculture": ("le code rural et de la pêche maritime", "le code forestier"),
    "transports": ("le code des transports", "le code de la route"),
    "defense": ("le code de la défense",),
    "anciens_combattants": ("le code des pensions militaires d'invalidité et des victimes de guerre",),
    "economie": ("le code de commerce", "le code monétaire et financier", "le code de la consommation"),
    "commerce": ("le code de commerce", "le code de la consommation"),
    "industrie": ("le code de la consommation", "le code de commerce"),
    "culture": ("le code du patrimoine", "le code de la propriété intellectuelle"),
    "fonction_publique": ("le code des pensions civiles et militaires de retraite",),
    "immigration": ("le code de l'entrée et du séjour des étrangers et du droit d'asile", "le code civil"),
    "numerique": ("le code des postes et des communications électroniques",),
}

#: AN rubriques: name | relative weight | ministry key | topics (with their article).
#: Weights follow the skew of the real corpus (santé, retraites, impôts et taxes first).
_RUBRIQUE_TABLE = """
santé | 60 | sante | l'accès aux soins dans les zones rurales; la désertification médicale; la prise en charge des maladies rares; les délais d'attente dans les services d'urgences; le dépistage organisé du cancer du sein; la vaccination contre la grippe saisonnière; la maladie de Lyme; la prévention du suicide chez les jeunes; la prise en charge de la maladie d'Alzheimer
retraites : généralités | 45 | travail | le montant des pensions de réversion; la validation des trimestres d'apprentissage; le minimum vieillesse; la revalorisation des petites retraites; les conditions de départ anticipé pour carrière longue; le cumul emploi-retraite; la majoration de pension pour enfants
impôts et taxes | 40 | budget | la taxe sur les surfaces commerciales; la fiscalité des biocarburants; le crédit d'impôt en faveur du développement durable; la taxe d'apprentissage; l'exonération de la taxe foncière sur les propriétés non bâties; la taxe sur les logements vacants
handicapés | 35 | handicap | l'allocation aux adultes handicapés; la scolarisation des enfants autistes; les maisons départementales des personnes handicapées; l'accessibilité des établissements recevant du public; la prestation de compensation du handicap; le statut des auxiliaires de vie scolaire
enseignement | 30 | education | les suppressions de postes dans l'éducation nationale; la réforme des rythmes scolaires; la carte scolaire en milieu rural; les réseaux d'aides spécialisées aux élèves en difficulté; la scolarisation des enfants de moins de trois ans
agriculture | 30 | agriculture | le revenu des exploitants agricoles; la prime herbagère agroenvironnementale; l'installation des jeunes agriculteurs; les aides de la politique agricole commune; la crise de la filière laitière; l'utilisation des produits phytosanitaires
professions de santé | 28 | sante | la démographie des médecins généralistes; le numerus clausus; les compétences des infirmiers libéraux; la situation des masseurs-kinésithérapeutes; la formation des orthophonistes; la permanence des soins
collectivités territoriales | 25 | collectivites | la dotation globale de fonctionnement; la réforme des collectivités territoriales; les compétences des intercommunalités; le statut de l'élu local; la compensation des transferts de charges
fonctionnaires et agents publics | 22 | fonction_publique | la rémunération des agents contractuels; le supplément familial de traitement; la mobilité des fonctionnaires; la garantie individuelle du pouvoir d'achat
pharmacie et médicaments | 20 | sante | le déremboursement de certains médicaments; les franchises médicales; la vente de médicaments sur internet; les ruptures d'approvisionnement en médicaments; la substitution par les médicaments génériques
sécurité sociale | 20 | sante | le financement de la sécurité sociale; la couverture maladie universelle complémentaire; la fraude aux prestations sociales; les cotisations sociales des travailleurs indépendants; le régime social des indépendants
personnes âgées | 20 | solidarites | la prise en charge de la dépendance; l'allocation personnalisée d'autonomie; le coût de l'hébergement en établissement d'hébergement pour personnes âgées dépendantes; la maltraitance des personnes âgées; le maintien à domicile des personnes âgées
logement | 18 | logement | la construction de logements sociaux; le droit au logement opposable; la lutte contre l'habitat indigne; le montant des loyers dans les zones tendues; la rénovation thermique des logements
police | 15 | interieur | les effectifs de police; la présence policière dans les quartiers sensibles; les conditions de travail des policiers; la vidéoprotection; les polices municipales
justice | 15 | justice | la réforme de la carte judiciaire; les délais de jugement; l'aide juridictionnelle; la surpopulation carcérale; la situation des tribunaux d'instance
transports | 14 | transports | la desserte ferroviaire des territoires; le financement des infrastructures de transport; le transport à la demande en zone rurale; la sécurité des passages à niveau
énergie et carburants | 14 | energie | le prix des carburants; le développement de l'énergie éolienne; le tarif de rachat de l'électricité photovoltaïque; la précarité énergétique; le déploiement des compteurs communicants
environnement | 12 | ecologie | la protection des zones humides; la qualité de l'air; la lutte contre les espèces invasives; la trame verte et bleue
politique extérieure | 12 | affaires_etrangeres | la situation des droits de l'homme au Kazakhstan; la situation au Proche-Orient; la coopération avec l'Afrique subsaharienne; la situation des chrétiens d'Orient; l'aide publique au développement
famille | 10 | travail | les modes de garde de la petite enfance; le congé parental; l'autorité parentale; les pensions alimentaires impayées
anciens combattants et victimes de guerre | 10 | anciens_combattants | la retraite du combattant; le bénéfice de la campagne double; la situation des pupilles de la Nation; l'attribution de la carte du combattant
emploi | 10 | emploi | l'accompagnement des demandeurs d'emploi; les contrats aidés; l'emploi des seniors; l'insertion professionnelle des jeunes
entreprises | 9 | economie | les délais de paiement des entreprises; la transmission des petites entreprises; l'accès au crédit des petites et moyennes entreprises; le statut d'auto-entrepreneur
TVA | 9 | budget | le taux de TVA applicable à la restauration; le taux réduit de TVA dans le secteur du bâtiment; la TVA applicable aux activités équestres
enseignement supérieur | 8 | enseignement_superieur | les bourses sur critères sociaux; le logement étudiant; l'autonomie des universités; la réforme de la formation des enseignants
commerce et artisanat | 8 | commerce | la situation des artisans boulangers; l'ouverture des commerces le dimanche; la revitalisation des centres-villes; le statut de l'artisan
sécurité publique | 8 | interieur | la lutte contre les cambriolages; le financement des services départementaux d'incendie et de secours; les sapeurs-pompiers volontaires
communes | 8 | collectivites | les finances des petites communes; les communes nouvelles; la mutualisation des services communaux
étrangers | 7 | immigration | les délais de délivrance des titres de séjour; les conditions d'accueil des demandeurs d'asile; le regroupement familial
assurance maladie maternité : prestations | 7 | sante | le remboursement des soins dentaires; la prise en charge des lunettes; les indemnités journalières; le remboursement des transports sanitaires
transports ferroviaires | 7 | transports | la fermeture de lignes ferroviaires; la desserte TGV; les trains d'équilibre du territoire; le fret ferroviaire
sécurité routière | 7 | interieur | les radars automatiques; le permis à points; la limitation de vitesse sur les routes secondaires
chômage : indemnisation | 6 | emploi | l'indemnisation des demandeurs d'emploi; l'allocation de solidarité spécifique; l'allocation équivalent retraite
travail | 6 | travail | le travail dominical; les ruptures conventionnelles; la médecine du travail; le travail détaché
formation professionnelle | 6 | emploi | le financement de l'apprentissage; le droit individuel à la formation; la validation des acquis de l'expérience
fonction publique hospitalière | 6 | sante | la situation des infirmiers hospitaliers; le temps de travail à l'hôpital; la reconnaissance de la pénibilité des aides-soignants
fonction publique territoriale | 6 | collectivites | le régime indemnitaire des agents territoriaux; la formation des agents territoriaux; les secrétaires de mairie
risques professionnels | 5 | travail | l'indemnisation des victimes de l'amiante; la reconnaissance des maladies professionnelles; les troubles musculo-squelettiques
prestations familiales | 5 | travail | les allocations familiales; la prestation d'accueil du jeune enfant; l'allocation de rentrée scolaire
défense | 5 | defense | la fermeture d'unités militaires; les équipements des forces armées; la réserve opérationnelle
outre-mer | 5 | outre_mer | la vie chère outre-mer; la continuité territoriale; le chômage des jeunes en outre-mer
enseignement : personnel | 5 | education | la rémunération des enseignants; le remplacement des enseignants absents; la formation des professeurs des écoles
assurances | 4 | economie | l'assurance emprunteur; l'indemnisation des catastrophes naturelles; les contrats d'assurance-vie en déshérence
animaux | 4 | agriculture | la protection des animaux de compagnie; la présence du loup; les conditions d'abattage
consommation | 4 | industrie | le démarchage téléphonique; l'étiquetage des produits alimentaires; le crédit à la consommation
eau | 4 | ecologie | le prix de l'eau; l'assainissement non collectif; la gestion de la ressource en eau
urbanisme | 4 | logement | les plans locaux d'urbanisme; l'instruction des permis de construire; l'urbanisation des zones inondables
culture | 4 | culture | les crédits du spectacle vivant; l'éducation artistique et culturelle; les festivals
déchets, pollution et nuisances | 4 | ecologie | le traitement des déchets ménagers; les nuisances sonores aériennes; la pollution des sols
impôt sur le revenu | 4 | budget | la demi-part fiscale des veuves; le crédit d'impôt pour l'emploi d'un salarié à domicile; l'imposition des indemnités journalières
impôts locaux | 4 | budget | la révision des valeurs locatives; la taxe d'habitation; la contribution économique territoriale
enfants | 3 | travail | la protection de l'enfance; l'adoption internationale; les assistants maternels
jeunes | 3 | sports | le service civique; l'emploi des jeunes; les missions locales
sports | 3 | sports | le financement du sport amateur; la lutte contre le dopage; les équipements sportifs
télécommunications | 3 | numerique | la couverture du territoire en téléphonie mobile; le déploiement du très haut débit; les zones blanches
postes | 3 | industrie | la présence postale en milieu rural; la distribution du courrier
banques et établissements financiers | 3 | economie | les frais bancaires; le surendettement des ménages; le livret A
marchés publics | 3 | economie | l'accès des petites entreprises à la commande publique; les seuils des marchés publics
chasse et pêche | 3 | ecologie | les dates de chasse des oiseaux migrateurs; la pêche de loisir; les dégâts de gibier
bois et forêts | 3 | agriculture | la filière bois; l'Office national des forêts; l'entretien des forêts privées
élevage | 3 | agriculture | la fièvre catarrhale ovine; l'identification des bovins; le prix de la viande bovine
retraites : fonctionnaires civils et militaires | 3 | budget | la retraite des fonctionnaires parents de trois enfants; la bonification pour services outre-mer
retraites : régime agricole | 3 | agriculture | les retraites agricoles; la retraite complémentaire obligatoire des exploitants agricoles
retraites : régimes autonomes et spéciaux | 3 | travail | les retraites des artisans; les régimes spéciaux de retraite
audiovisuel et communication | 3 | culture | la télévision numérique terrestre; la redevance audiovisuelle; la presse locale
aménagement du territoire | 3 | ecologie | les zones de revitalisation rurale; les services publics en milieu rural; la politique des pôles d'excellence rurale
politique sociale | 3 | solidarites | le revenu de solidarité active; la lutte contre la pauvreté; l'aide alimentaire
professions sociales | 2 | solidarites | la situation des aides à domicile; la formation des éducateurs spécialisés
professions libérales | 2 | commerce | le statut des professions libérales; les honoraires des experts-comptables
professions judiciaires et juridiques | 2 | justice | la réforme des professions réglementées; la situation des huissiers de justice
droit pénal | 2 | justice | la récidive; les peines planchers; la lutte contre les violences conjugales
mort | 2 | interieur | la réglementation funéraire; le statut des cendres funéraires
nationalité | 2 | immigration | les certificats de nationalité française; les délais de naturalisation
associations | 2 | sports | le financement des associations; le bénévolat associatif
tourisme et loisirs | 2 | commerce | les chèques-vacances; le classement des hébergements touristiques
patrimoine culturel | 2 | culture | la restauration des monuments historiques; l'archéologie préventive
automobiles et cycles | 2 | industrie | la prime à la casse; le contrôle technique des véhicules
bâtiment et travaux publics | 2 | logement | la situation des entreprises du bâtiment; les normes de construction
mer et littoral | 2 | ecologie | l'érosion du littoral; la protection du domaine public maritime
politiques communautaires | 2 | europe | les fonds structurels européens; la transposition des directives européennes
voirie | 2 | transports | l'entretien des routes nationales; le déneigement des routes
transports aériens | 2 | transports | les aéroports régionaux; les nuisances aériennes
gendarmerie | 2 | interieur | la fermeture de brigades de gendarmerie; le logement des gendarmes
recherche | 2 | enseignement_superieur | le crédit d'impôt recherche; la précarité des jeunes chercheurs
industrie | 2 | industrie | les délocalisations industrielles; la filière automobile
femmes | 2 | solidarites | l'égalité salariale entre les femmes et les hommes; la lutte contre les violences faites aux femmes
donations et successions | 2 | budget | les droits de succession; les donations entre grands-parents et petits-enfants
cultes | 1 | interieur | l'entretien des édifices cultuels; le régime des cultes en Alsace-Moselle
élections et référendums | 1 | interieur | le vote par procuration; les machines à voter
ministères et secrétariats d'État | 1 | premier | l'organisation des services de l'État; le coût des cabinets ministériels
sang et organes humains | 1 | sante | le don d'organes; le don du sang
drogue | 1 | sante | la lutte contre la toxicomanie; la consommation de cannabis chez les jeunes
baux | 1 | logement | les baux commerciaux; le dépôt de garantie
"""
RUBRIQUES: tuple[tuple[str, float, str, tuple[str, ...]], ...] = tuple(
    (name, float(weight), key, tuple(topics.split("; ")))
    for name, weight, key, topics in (
        [field.strip() for field in line.split(" | ")] for line in _RUBRIQUE_TABLE.strip().splitlines()
    )
)

INSPECTIONS = (
    "l'inspection générale des affaires sociales",
    "l'inspection générale des finances",
    "l'inspection générale de l'administration",
    "le Conseil général de l'environnement et du développement durable",
    "la Cour des comptes",
    "le Conseil économique, social et environnemental",
)
GOALS = (
    "répondre aux légitimes inquiétudes des personnes concernées",
    "garantir l'égalité de traitement entre les territoires",
    "simplifier les démarches des usagers",
    "mieux accompagner les familles",
    "préserver l'équilibre financier du dispositif",
    "améliorer l'information des personnes concernées",
    "assurer la pérennité de ce dispositif",
)
PLANS = (
    "Plan Alzheimer",
    "Hôpital 2012",
    "France numérique 2012",
    "Plan de relance",
    "Grenelle de l'environnement",
    "Espoir banlieues",
    "Plan autisme",
)
FOREIGN_TERMS = ("open data", "start-up", "low cost", "crowdfunding", "smart grid", "care")
MONTHS = MONTHS_FR


# -- French helpers ------------------------------------------------------------


def _de(np: str) -> str:
    """``de`` + a noun phrase, contracted (du, des, de la, de l')."""
    if np.startswith("le "):
        return "du " + np[3:]
    if np.startswith("les "):
        return "des " + np[4:]
    return "de " + np


def _a(np: str) -> str:
    """``à`` + a noun phrase, contracted (au, aux, à la, à l')."""
    if np.startswith("le "):
        return "au " + np[3:]
    if np.startswith("les "):
        return "aux " + np[4:]
    return "à " + np


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bare(np: str) -> str:
    """The noun phrase without its article (for the analyse line)."""
    for article in ("les ", "le ", "la ", "l'"):
        if np.startswith(article):
            return np[len(article) :]
    return np


def _title(developpe: str, feminine: bool) -> str:
    """How a question addresses a ministry: ``M. le ministre de la défense``."""
    d = developpe.replace("’", "'")
    lead = "Mme la " if feminine else "M. le "
    if d in ("Premier ministre", "Première ministre"):
        return lead + ("Première ministre" if feminine else "Premier ministre")
    if d.startswith("Ministère auprès"):
        rest = d[len("Ministère ") :]
        who = "ministre déléguée " if feminine else "ministre délégué "
    elif d.startswith("Ministère "):
        rest, who = d[len("Ministère ") :], "ministre "
    elif d.startswith("Secrétariat d'État"):
        rest, who = d[len("Secrétariat d'État ") :], "secrétaire d'État "
    else:
        rest, who = d, "ministre "
    if feminine:
        rest = rest.replace("chargé ", "chargée ")
    return lead + who + rest


def _fr_int(value: int, space: str) -> str:
    digits = str(value)
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return space.join(reversed(groups))


def _fr_date(d: date) -> str:
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


# -- learning the prose from the real records -----------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.])\s+(?=[A-ZÀÂÉÈÊÎÔÇ«])")
_TURN = re.compile(r"<strong>(.*?)</strong>(.*?)(?=<strong>|$)", re.S)
_MINISTER_TURN = re.compile(r"\s*<i>\s*(ministre|secrétaire|Première|Premier|garde|haut-commissaire)", re.I)
_STAGE = re.compile(r"\([^()]*\)")
_TAG = re.compile(r"<[^>]+>")
#: Sentences of the oral debates that would not be written: first and second
#: person, apostrophes to the chair or colleagues, exclamations.
_ORAL = re.compile(
    r"[?!…]|\b(vous|votre|vos|je|j'|j’|moi|me|m'|madame|monsieur|collègues?|mesdames|messieurs|chers?|chères?"
    r"|ici|hémicycle|nous|notre|nos|ma question|présidente?|applaudissements|bravo)\b",
    re.I,
)
_QUESTION_START = re.compile(
    r"^(M\.|Mme|Mlle) [^.]{0,80}?\b(attire|appelle|interroge|souhaite|demande|rappelle|expose|alerte)"
)
_BOS = ""
_EOS = "\n"


def _clean_html(text: str) -> str:
    text = re.sub(r"<!-- DEBTAB -->.*?<!-- FINTAB -->", " ", text, flags=re.S)
    text = re.sub(r"<br\s*/?>", " ", text)
    return html.unescape(_TAG.sub(" ", text))


def _sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [s for s in _SENTENCE_SPLIT.split(text) if 40 <= len(s) <= 450]


def load_real_texts(corpus: Path) -> tuple[list[str], list[str]]:
    """Sentences of real questions and of real answers found in ``corpus``."""
    questions: list[str] = []
    answers: list[str] = []

    def written(text: str) -> None:
        # Written records are the model to imitate: weigh them more than debates.
        sentences = _sentences(_clean_html(text))
        target = questions if sentences and _QUESTION_START.match(sentences[0]) else answers
        target.extend(sentences * 3)

    for path in sorted(glob.glob(str(corpus / "an_json" / "qe*" / "*.json"))):
        with open(path, encoding="utf-8") as fh:
            q = json.load(fh)["question"]
        for key, inner in (("textesQuestion", "texteQuestion"), ("textesReponse", "texteReponse")):
            block = (q.get(key) or {}).get(inner)
            for item in block if isinstance(block, list) else [block]:
                if item and item.get("texte"):
                    written(item["texte"])
    for path in sorted(glob.glob(str(corpus / "an_xml_legacy" / "*.xml"))):
        text = Path(path).read_text(encoding="utf-8")
        for m in re.finditer(r"<!\[CDATA\[(.*?)\]\]>", text, re.S):
            written(m.group(1))
    for pattern in ("page_text/*.txt", "page_text/more/*.txt", "senat_page_text/*.txt"):
        for path in sorted(glob.glob(str(corpus / pattern))):
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                for piece in line.split(" | "):
                    if len(piece) > 200 and not piece.startswith(("Question N", "Rubrique", "Ministère")):
                        written(piece)
    for path in sorted(glob.glob(str(corpus / "an_json" / "qg*" / "*.json"))):
        with open(path, encoding="utf-8") as fh:
            q = json.load(fh)["question"]
        texte = ((q.get("textesReponse") or {}).get("texteReponse") or {}).get("texte") or ""
        for m in _TURN.finditer(texte):
            body = m.group(2)
            minister = bool(_MINISTER_TURN.match(body)) or "ministre" in m.group(1).lower()
            body = re.sub(r"^\s*<i>.*?</i>", "", body, count=1, flags=re.S)
            body = _STAGE.sub(" ", _clean_html(body))
            if len(body) >= 300:
                (answers if minister else questions).extend(_sentences(body))
    if not questions or not answers:
        raise FileNotFoundError(f"no real question texts found under {corpus} (see DATA.md)")
    return questions, answers


#: A finite verb: sentences without one are fragments ("Devant plusieurs dizaines de personnes.").
_FINITE = re.compile(
    r"\b(est|sont|a|ont|était|étaient|sera|seront|serait|seraient|doit|doivent|peut|peuvent|permet|permettent"
    r"|prévoit|prévoient|fait|font|va|vont|reste|restent|demeure|constitue|constituent|représente|représentent"
    r"|concerne|concernent|apparaît|semble|semblent|paraît|souhaite|demande|indique|rappelle|précise|conduit"
    r"|entend|entendent|vise|visent|porte|portent|relève|relèvent|dispose|disposent|existe|existent|bénéficie"
    r"|bénéficient|pourrait|pourraient|devrait|devraient|convient|faut|avait|avaient|permettra|permettront"
    r"|s'applique|s'appliquent|comporte|compte|comptent|atteint|atteignent|connaît|connaissent|suscite|suscitent"
    r"|impose|imposent|contribue|contribuent|garantit|assure|assurent|engage|mobilise|prend|prennent|met|mettent)\b"
)
#: Words that date a sentence after 2012 (the debates the chain learns from are of 2022-2024).
_RECENT = re.compile(
    r"covid|pandémie|NUPES|Rassemblement national|Ukrain|ukrainien|Russie|Brexit|confinement|gilets jaunes"
    r"|France 2030|Renaissance|Horizons|LFI|insoumis|Macron|Borne|Attal|quinquennat",
    re.I,
)
#: The opening formula belongs to the first sentence only.
_OPENING = re.compile(r"(attire|appelle) l'attention|interroge (M\.|Mme)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


class MarkovChain:
    """An order-3 word chain over sentences: (w1, w2, w3) -> the words seen next.

    Order 3 on ~2 MB of text keeps French grammar locally right while most
    generated sentences are still new recombinations of the real ones.
    """

    def __init__(self, sentences: Sequence[str]) -> None:
        table: dict[tuple[str, str, str], list[str]] = {}
        for sentence in sentences:
            words = [_BOS, _BOS, _BOS, *sentence.split(), _EOS]
            for i in range(len(words) - 3):
                table.setdefault((words[i], words[i + 1], words[i + 2]), []).append(words[i + 3])
        self.table = {key: tuple(value) for key, value in table.items()}

    def sentence(self, rng: random.Random, max_words: int = 70) -> str | None:
        table, choice = self.table, rng.choice
        w1 = w2 = w3 = _BOS
        out: list[str] = []
        while len(out) < max_words:
            nxt = choice(table[(w1, w2, w3)])
            if nxt == _EOS:
                return " ".join(out)
            out.append(nxt)
            w1, w2, w3 = w2, w3, nxt
        return None

    def pool(self, rng: random.Random, size: int, latest_year: int | None = None) -> list[str]:
        """Up to ``size`` distinct plausible sentences: written register, a finite verb,
        balanced quotes, and nothing dated after ``latest_year``."""
        seen: set[str] = set()
        out: list[str] = []
        for _ in range(size * 12):
            s = self.sentence(rng)
            if (
                s is None
                or s in seen
                or not 60 <= len(s) <= 380
                or not s.endswith(".")
                or s.endswith((" M.", " MM.", " L.", " R.", " D."))
                or len(s.split()) < 9
                or s.count("«") != s.count("»")
                or s.count("(") != s.count(")")
                or _ORAL.search(s)
                or _OPENING.search(s)
                or not _FINITE.search(s)
            ):
                continue
            if latest_year is not None and (
                (latest_year < 2020 and _RECENT.search(s))
                or any(int(y) > latest_year for y in _YEAR.findall(s))
            ):
                continue
            seen.add(s)
            out.append(s)
            if len(out) >= size:
                break
        return out


@functools.lru_cache(maxsize=4)
def _sentence_pools(
    corpus: Path, seed: int, latest_year: int, sizes: tuple[int, int]
) -> tuple[list[str], list[str]]:
    """Question and answer sentences learnt from the real records (cached: a few seconds each)."""
    q_sentences, a_sentences = load_real_texts(corpus)
    rng = random.Random(f"qe-synth-text/{seed}")
    q_pool = MarkovChain(q_sentences).pool(rng, sizes[0], latest_year)
    a_pool = MarkovChain(a_sentences).pool(rng, sizes[1], latest_year)
    return q_pool, a_pool


# -- deputies, groups, ministries from AMO ---------------------------------------


@dataclass(frozen=True, slots=True)
class Deputy:
    acteur_ref: str
    mandat_ref: str
    civility: str
    name: str  # "Olivia Grégoire"
    group: tuple[str, str, str]  # organeRef, abrege, developpe


@dataclass(frozen=True, slots=True)
class Ministry:
    key: str
    organe_ref: str | None
    abrege: str
    developpe: str
    title: str  # "M. le ministre de la défense"
    feminine: bool


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _amo(corpus: Path) -> Path:
    """The AMO folder: ``amo16`` in ../shared/corpus, ``amo`` in the bundled sample."""
    return corpus / "amo16" if (corpus / "amo16").is_dir() else corpus / "amo"


def load_amo(corpus: Path) -> tuple[list[Deputy], dict[str, dict[str, Any]]]:
    """Deputies of the 16th legislature with their group, and every organe by uid."""
    organes: dict[str, dict[str, Any]] = {}
    for path in sorted(glob.glob(str(_amo(corpus) / "organe" / "PO*.json"))):
        with open(path, encoding="utf-8") as fh:
            o = json.load(fh)["organe"]
        organes[o["uid"]] = o
    deputies: list[Deputy] = []
    for path in sorted(glob.glob(str(_amo(corpus) / "acteur" / "PA*.json"))):
        with open(path, encoding="utf-8") as fh:
            a = json.load(fh)["acteur"]
        mandats = _as_list((a.get("mandats") or {}).get("mandat"))
        seats = [m for m in mandats if m.get("typeOrgane") == "ASSEMBLEE" and m.get("legislature") == "16"]
        groups = [m for m in mandats if m.get("typeOrgane") == "GP" and m.get("legislature") == "16"]
        if not seats or not groups:
            continue
        group_ref = max(groups, key=lambda m: m.get("dateDebut") or "")["organes"]["organeRef"]
        organe = organes.get(group_ref)
        if organe is None:
            continue
        ident = a["etatCivil"]["ident"]
        deputies.append(
            Deputy(
                acteur_ref=a["uid"]["#text"] if isinstance(a["uid"], dict) else a["uid"],
                mandat_ref=seats[0]["uid"],
                civility=ident["civ"],
                name=f"{ident['prenom']} {ident['nom']}",
                group=(group_ref, organe.get("libelleAbrev") or organe["libelleAbrege"], organe["libelle"]),
            )
        )
    if not deputies:
        raise FileNotFoundError(f"no AMO deputies found under {_amo(corpus)}")
    return deputies, organes


def _ministries(
    legislature: int, organes: dict[str, dict[str, Any]], rng: random.Random
) -> dict[str, Ministry]:
    out: dict[str, Ministry] = {}
    for key, (abrege, developpe) in HISTORICAL_MINISTRIES.items():
        ref: str | None = None
        if legislature >= 16 and AMO_MINISTRIES.get(key) in organes:
            o = organes[AMO_MINISTRIES[key]]
            abrege, developpe = o["libelleAbrege"], o["libelle"]
            # The organeRef of minInt appears with the 17th legislature (DATA.md §1).
            ref = o["uid"] if legislature >= 17 else None
        feminine = developpe.startswith("Première") or rng.random() < 0.35
        if developpe == "Premier ministre":
            feminine = False
        title = _title(developpe, feminine)
        if key == "justice":
            title = (
                "Mme la garde des sceaux, ministre de la justice"
                if feminine
                else "M. le garde des sceaux, ministre de la justice"
            )
        out[key] = Ministry(key, ref, abrege, developpe, title, feminine)
    return out


# -- one question ----------------------------------------------------------------


class _Context:
    """What the templates of one question draw on."""

    __slots__ = (
        "author",
        "codes",
        "deputy_female",
        "ministry",
        "nbsp",
        "public",
        "rng",
        "today",
        "topic",
        "year",
    )

    def __init__(
        self,
        rng: random.Random,
        topic: str,
        ministry: Ministry,
        today: date,
        deputy_female: bool,
        author: str,
        nbsp: bool,
    ) -> None:
        self.rng = rng
        self.topic = topic
        self.ministry = ministry
        self.today = today  # the publication day: every date cited is before it
        self.year = today.year
        self.deputy_female = deputy_female
        self.author = author
        self.nbsp = nbsp
        self.public = PUBLICS.get(ministry.key, PUBLICS["premier"])
        self.codes = CODES.get(ministry.key, ("le code général des collectivités territoriales",))

    @property
    def pron(self) -> str:
        return "Elle" if self.deputy_female else "Il"

    @property
    def deputy(self) -> str:
        return "Mme la députée" if self.deputy_female else "M. le député"

    @property
    def min_pron(self) -> str:
        return "elle" if self.ministry.feminine else "il"

    def pub(self) -> str:
        return self.rng.choice(self.public)

    def num(self, lo: int, hi: int) -> str:
        return _fr_int(self.rng.randint(lo, hi), NBSP if self.nbsp else " ")

    def pct(self) -> str:
        r = self.rng
        return f"{r.randint(2, 85)},{r.randint(1, 9)} %" if r.random() < 0.5 else f"{r.randint(2, 85)} %"

    def past_year(self) -> int:
        return self.year - self.rng.randint(1, 6)

    def date(self, year: int | None = None) -> str:
        """A day before the publication day (in ``year`` if given), in French."""
        r = self.rng
        if year is None:
            return _fr_date(self.today - timedelta(days=r.randint(20, 1500)))
        last = min(date(year, 12, 31), self.today - timedelta(days=7))
        first = date(year, 1, 1)
        if last < first:
            return _fr_date(first)
        return _fr_date(first + timedelta(days=r.randint(0, (last - first).days)))

    def month_year(self) -> str:
        return f"{MONTHS[self.rng.randrange(12)]} {self.past_year()}"

    def ref(self) -> str:
        """A legal reference, dated before the question: ``le décret n° 2002-65 du 14 janvier 2002``."""
        r = self.rng
        y = (self.today - timedelta(days=10)).year - r.randint(0, 15)
        num = f"{y}-{r.randint(1, 1600)}" if y >= 2000 else f"{y % 100:02d}-{r.randint(1, 1600)}"
        kind = r.random()
        if kind < 0.35:
            text, agree = f"la loi n° {num} du {self.date(y)}", "relative"
        elif kind < 0.7:
            text, agree = f"le décret n° {num} du {self.date(y)}", "relatif"
        elif kind < 0.78:
            text, agree = f"l'ordonnance n° {num} du {self.date(y)}", "relative"
        elif kind < 0.9:
            text, agree = f"l'arrêté du {self.date(y)}", "relatif"
        else:
            text, agree = f"la circulaire du {self.date(y)}", "relative"
        if r.random() < 0.4:
            text += f" {agree} {_a(self.topic)}"
        return text

    def article_bare(self) -> str:
        """``l'article L. 1234-5 du code de la santé publique``."""
        r = self.rng
        code = r.choice(self.codes)
        if code == "le code général des impôts":
            number = f"{r.randint(1, 1700)}{r.choice(('', '', ' bis', ' ter', ' quater', ' A', ' B'))}"
        else:
            prefix = r.choice("LLLRD")
            if r.random() < 0.6:
                number = f"{prefix}. {r.randint(1, 9)}{r.randint(100, 999)}-{r.randint(1, 30)}"
            else:
                number = f"{prefix}. {r.randint(100, 999)}-{r.randint(1, 30)}"
        return f"l'article {number} {_de(code)}"

    def goal(self) -> str:
        return self.rng.choice(GOALS)


Template = Callable[[_Context], str]

Q_OPEN: tuple[Template, ...] = (
    lambda c: f"{c.author} attire l'attention de {c.ministry.title} sur {c.topic}.",
    lambda c: f"{c.author} appelle l'attention de {c.ministry.title} sur {c.topic}.",
    lambda c: f"{c.author} interroge {c.ministry.title} sur {c.topic}.",
    lambda c: f"{c.author} souhaite attirer l'attention de {c.ministry.title} sur {c.topic}.",
    lambda c: f"{c.author} attire l'attention de {c.ministry.title} sur les difficultés liées {_a(c.topic)}.",
    lambda c: (
        f"{c.author} interroge {c.ministry.title} sur les conséquences {_de(c.topic)} pour les {c.pub()}."
    ),
    lambda c: f"{c.author} alerte {c.ministry.title} sur {c.topic}.",
)
Q_BODY: tuple[Template, ...] = (
    lambda c: (
        f"Depuis l'entrée en vigueur {_de(c.ref())}, de nombreux {c.pub()} font état de difficultés croissantes."
    ),
    lambda c: (
        f"Selon les chiffres disponibles, près de {c.pct()} des {c.pub()} seraient aujourd'hui concernés."
    ),
    lambda c: f"Cette situation suscite une vive inquiétude parmi les {c.pub()} de sa circonscription.",
    lambda c: (
        f"Or, {c.article_bare()} prévoit des dispositions qui paraissent inadaptées à la réalité du terrain."
    ),
    lambda c: (
        f"Le rapport remis au Gouvernement en {c.past_year()} soulignait déjà les insuffisances du dispositif actuel s'agissant {_de(c.topic)}."
    ),
    lambda c: f"{_cap(c.ref())} n'a pas permis de répondre aux attentes exprimées par les {c.pub()}.",
    lambda c: (
        f"Les associations représentatives des {c.pub()} demandent depuis plusieurs années une évolution de la réglementation applicable {_a(c.topic)}."
    ),
    lambda c: (
        f"Le coût de ce dispositif est estimé à {c.num(2, 950)} millions d'euros par an, ce qui représente une charge considérable pour les {c.pub()}."
    ),
    lambda c: (
        "Une telle situation apparaît contraire à l'objectif d'égalité entre les territoires affirmé par le Gouvernement."
    ),
    lambda c: (
        f"En outre, les {c.pub()} dénoncent la complexité des démarches administratives et l'allongement des délais d'instruction des dossiers."
    ),
    lambda c: (
        f"Le Conseil d'État, dans une décision du {c.date()}, a d'ailleurs rappelé les obligations qui s'imposent à l'administration en la matière."
    ),
    lambda c: f"Au {c.date()}, on dénombrait ainsi {c.num(1000, 250000)} {c.pub()} dans cette situation.",
    lambda c: (
        f"Ces personnes se heurtent à l'application stricte {_de(c.article_bare())}, qui ne tient pas compte de la diversité des situations."
    ),
    lambda c: (
        f"Le « {c.rng.choice(PLANS)} » annoncé en {c.past_year()} n'a pas produit les effets escomptés."
    ),
    lambda c: (
        f"Certains opérateurs se réclament désormais du modèle dit « <em>{c.rng.choice(FOREIGN_TERMS)}</em> », sans que la réglementation ait été adaptée."
    ),
)
Q_CLOSE: tuple[Template, ...] = (
    lambda c: (
        f"{c.pron} lui demande de bien vouloir lui indiquer les mesures que le Gouvernement entend prendre afin de remédier à cette situation."
    ),
    lambda c: f"{c.pron} lui demande donc de lui préciser les intentions du Gouvernement en la matière.",
    lambda c: (
        f"{c.pron} souhaiterait connaître sa position sur ce sujet ainsi que le calendrier des mesures envisagées."
    ),
    lambda c: f"{c.pron} lui demande quelles dispositions le Gouvernement compte prendre pour {c.goal()}.",
    lambda c: (
        f"{c.deputy} demande donc à {c.ministry.title} {'si elle' if c.ministry.feminine else 's’il'} entend modifier la réglementation applicable {_a(c.topic)}.".replace(
            "’", "'"
        )
    ),
    lambda c: (
        f"En conséquence, {c.pron.lower()} lui demande de bien vouloir lui faire connaître les suites qu'{c.min_pron} entend donner à ces propositions."
    ),
    lambda c: (
        f"{c.pron} lui demande de lui indiquer dans quels délais une réponse pourra être apportée aux {c.pub()}."
    ),
)
A_OPEN: tuple[Template, ...] = (
    lambda c: f"L'attention du Gouvernement a été appelée sur {c.topic}.",
    lambda c: f"{_cap(c.topic)} constitue une priorité du Gouvernement.",
    lambda c: (
        f"Le Gouvernement est pleinement conscient des difficultés rencontrées par les {c.pub()} s'agissant {_de(c.topic)}."
    ),
    lambda c: f"L'honorable parlementaire appelle l'attention du ministre sur {c.topic}.",
    lambda c: (
        f"La question {_de(c.topic)} fait l'objet d'une attention particulière des services du ministère."
    ),
    lambda c: f"{_cap(c.ref())} a profondément modifié le cadre applicable {_a(c.topic)}.",
)
A_BODY: tuple[Template, ...] = (
    lambda c: f"{_cap(c.ref())} prévoit ainsi de nouvelles modalités de prise en charge.",
    lambda c: (
        f"Au {c.date(c.year)}, {c.num(200, 90000)} dossiers avaient été instruits par les services compétents."
    ),
    lambda c: (
        f"Une concertation a été engagée avec l'ensemble des partenaires concernés ; ses conclusions seront rendues au cours du {c.rng.choice(('premier', 'second'))} semestre {c.year + 1}."
    ),
    lambda c: (
        f"Les crédits consacrés à ce dispositif s'élèvent à {c.num(3, 900)} millions d'euros en {c.year}, soit une progression de {c.pct()} par rapport à l'année précédente."
    ),
    lambda c: f"Ces dispositions sont codifiées à {c.article_bare()}.",
    lambda c: (
        f"Par ailleurs, une mission a été confiée à {c.rng.choice(INSPECTIONS)}, qui a remis ses conclusions en {c.month_year()}."
    ),
    lambda c: "Le Gouvernement n'envisage pas, à ce stade, de modifier la réglementation en vigueur.",
    lambda c: (
        f"En application {_de(c.article_bare())}, les {c.pub()} peuvent bénéficier d'une aide dont le montant est fixé par arrêté."
    ),
    lambda c: f"Le taux de couverture atteint désormais {c.pct()}, contre {c.pct()} en {c.past_year()}.",
    lambda c: (
        "Les services déconcentrés de l'État ont reçu pour instruction de veiller à une application homogène de ces règles sur l'ensemble du territoire."
    ),
    lambda c: (
        f"S'agissant plus particulièrement des {c.pub()}, une instruction du {c.date()} a précisé les conditions d'application de ce dispositif."
    ),
    lambda c: f"{_cap(c.ref())} a notamment étendu le bénéfice de ces mesures aux {c.pub()}.",
)
A_CLOSE: tuple[Template, ...] = (
    lambda c: "Le Gouvernement restera attentif à l'évolution de cette situation.",
    lambda c: f"Un bilan de ces mesures sera présenté au Parlement en {c.year + 1}.",
    lambda c: f"Le ministère reste pleinement mobilisé pour {c.goal()}.",
    lambda c: (
        "L'ensemble de ces mesures devrait permettre de répondre aux préoccupations exprimées par l'honorable parlementaire."
    ),
    lambda c: (
        f"Soyez {'assurée' if c.deputy_female else 'assuré'} de l'attention que le Gouvernement porte à cette question."
    ),
)


def _typeset(text: str) -> str:
    """French typography with non-breaking spaces, as in the published answers."""
    return (
        text.replace("« ", "«" + NBSP)
        .replace(" »", NBSP + "»")
        .replace("n° ", "n°" + NBSP)
        .replace(" %", NBSP + "%")
        .replace(" :", NBSP + ":")
        .replace(" ;", NBSP + ";")
    )


def _lognormal_length(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return int(min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma)))))


def _next_tuesday(d: date) -> date:
    return d + timedelta(days=(1 - d.weekday()) % 7)


class Generator:
    """Builds the questions of one synthetic legislature, numbered 1..count."""

    def __init__(self, count: int, seed: int = 1, legislature: int = 13, corpus: Path | None = None) -> None:
        if legislature not in LEGISLATURES:
            raise ValueError(f"legislature {legislature} unknown (known: {sorted(LEGISLATURES)})")
        corpus = corpus or DEFAULT_CORPUS
        self.count = count
        self.legislature = legislature
        self.rng = random.Random(f"qe-synth/{seed}/{legislature}")
        start, end = LEGISLATURES[legislature]
        # Small dumps need fewer distinct sentences (and tests stay fast).
        sizes = (min(6000, max(800, count)), min(8000, max(1000, count)))
        self.q_pool, self.a_pool = _sentence_pools(corpus, seed, (end or DUMP_DATE).year, sizes)
        deputies, organes = load_amo(corpus)
        order_rng = random.Random(f"qe-synth-deputies/{seed}")
        order_rng.shuffle(deputies)
        self.deputies = deputies
        # A few deputies ask hundreds of questions, most a few dozen.
        self.deputy_weights = _cumulative([1.0 / (i + 8) ** 0.9 for i in range(len(deputies))])
        self.ministries = _ministries(legislature, organes, random.Random(f"qe-synth-ministries/{seed}"))
        self.rubriques = RUBRIQUES
        self.rubrique_weights = _cumulative([r[1] for r in RUBRIQUES])
        self.ministry_keys = sorted(self.ministries)
        self.closed = end is not None
        self.end = end or DUMP_DATE
        first = _next_tuesday(start + timedelta(days=28))
        self.tuesdays = [first + timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)]

    # -- pieces of the record ---------------------------------------------------

    def _info_jo(
        self, d: date | None, page: int | None, numbered: bool = True, type_jo: str = "JO_QUESTION"
    ) -> dict[str, Any]:
        num = None
        if numbered and d is not None:
            issue = d.isocalendar()[1]
            num = f"{d.year}{issue:04d}" if self.legislature >= 16 else str(issue)
        return {
            "typeJO": type_jo,
            "dateJO": d.isoformat() if d else None,
            "pageJO": str(page) if page is not None else None,
            "numJO": num,
            "urlLegifrance": None,
            "referenceNOR": None,
        }

    @staticmethod
    def _page(d: date, offset: int) -> int:
        # Pages of the JO "Questions" restart each January (~12 000 a year).
        return 1 + (d.timetuple().tm_yday * 12000) // 366 + offset

    def _text(
        self,
        ctx: _Context,
        opening: Sequence[Template],
        body: Sequence[Template],
        closing: Sequence[Template],
        pool: Sequence[str],
        target: int,
        template_share: float,
    ) -> str:
        rng = ctx.rng
        first = rng.choice(opening)(ctx)
        last = rng.choice(closing)(ctx)
        parts = [first]
        size = len(first) + len(last) + 40
        templates = list(body)
        rng.shuffle(templates)  # each template at most once per text
        while size < target:
            s = templates.pop()(ctx) if templates and rng.random() < template_share else rng.choice(pool)
            parts.append(s)
            size += len(s) + 1
        parts.append(last)
        text = " ".join(parts)
        return _typeset(text) if ctx.nbsp else text

    def _minattrib(self, d: date, ministry: Ministry, type_jo: str = "JO_QUESTION") -> dict[str, Any]:
        denomination: dict[str, Any] = {}
        if ministry.organe_ref:
            denomination["organeRef"] = ministry.organe_ref
        denomination["abrege"] = ministry.abrege
        denomination["developpe"] = ministry.developpe
        return {
            "infoJO": self._info_jo(d, None, numbered=False, type_jo=type_jo),
            "denomination": denomination,
        }

    def question(self, number: int) -> dict[str, Any]:
        """The ``{"question": {...}}`` document of question ``number``."""
        rng = self.rng
        leg = self.legislature
        # Numbers follow publication: question n appears on the Tuesday of its rank.
        week = min(len(self.tuesdays) - 1, (number - 1) * len(self.tuesdays) // max(self.count, 1))
        published = self.tuesdays[week]
        first_of_week = -(-week * self.count // len(self.tuesdays)) + 1
        rank_in_week = max(0, number - first_of_week)

        deputy = self.deputies[_pick(rng, self.deputy_weights)]
        rubrique, _, ministry_key, topics = self.rubriques[_pick(rng, self.rubrique_weights)]
        if rng.random() > 0.8:  # questions also go to a ministry other than the obvious one
            ministry_key = rng.choice(self.ministry_keys)
        asked = self.ministries[ministry_key]
        topic = rng.choice(topics)
        female = deputy.civility == "Mme"
        author = f"{deputy.civility} {deputy.name}"

        # Re-attribution to another ministry (minAttribs becomes a list).
        attributions = [self._minattrib(published, asked)]
        answering = asked
        reattributed = rng.random() < 0.08

        # What becomes of it.
        answered = rng.random() < ANSWERED
        answer_date: date | None = None
        signal: date | None = None
        horizon = (self.end - published).days
        if answered and horizon >= 30:
            if rng.random() < 0.03 and horizon > 120:
                # "Question signalée": the government must answer within ten days.
                signal = _next_tuesday(published + timedelta(days=rng.randint(60, min(horizon - 30, 240))))
                delay = (signal - published).days + rng.randint(7, 21)
            else:
                delay = int(min(730, max(30, 120 * math.exp(rng.gauss(0.0, 0.75)))))
            answer_date = _next_tuesday(published + timedelta(days=min(delay, horizon - 6)))
            if answer_date > self.end:
                answer_date = published + timedelta(days=horizon)
        if reattributed:
            other = self.ministries[rng.choice(self.ministry_keys)]
            limit = (answer_date or self.end) - published
            moved = published + timedelta(days=rng.randint(1, max(1, limit.days - 1)))
            type_jo = "JO_LOI_DECRET" if rng.random() < 0.4 else "JO_QUESTION"
            attributions.append(self._minattrib(moved, other, type_jo))
            answering = other

        ctx = _Context(rng, topic, asked, published, female, author, nbsp=rng.random() < 0.2)
        q_target = _lognormal_length(rng, 1200, 0.55, 400, 3500)
        q_text = self._text(ctx, Q_OPEN, Q_BODY, Q_CLOSE, self.q_pool, q_target, 0.35)

        q_page = self._page(published, rank_in_week // 4)
        q_info = self._info_jo(published, q_page)

        textes_reponse: dict[str, Any] | None = None
        cloture: dict[str, Any] | None = None
        if answer_date is not None:
            actx = _Context(rng, topic, answering, answer_date, female, author, nbsp=rng.random() < 0.6)
            a_target = _lognormal_length(rng, 1800, 0.6, 300, 5500)
            a_text = self._text(actx, A_OPEN, A_BODY, A_CLOSE, self.a_pool, a_target, 0.3)
            a_info = self._info_jo(answer_date, self._page(answer_date, rng.randint(0, 180)))
            textes_reponse = {"texteReponse": {"infoJO": a_info, "texte": a_text}}
            code, label = CLOSURE_ANSWERED
            cloture = {
                "codeCloture": code,
                "libelleCloture": label,
                "dateCloture": answer_date.isoformat(),
                "infoJO": dict(a_info),
            }
        else:
            r = rng.random()
            when: date | None
            if r < 0.12:
                (code, label), when = (
                    CLOSURE_WITHDRAWN,
                    published + timedelta(days=rng.randint(7, max(8, horizon))),
                )
            elif r < 0.2:
                (code, label), when = (
                    CLOSURE_END_OF_MANDATE,
                    published + timedelta(days=rng.randint(7, max(8, horizon))),
                )
            elif self.closed:
                (code, label) = CLOSURE_END_OF_MANDATE if rng.random() < 0.7 else CLOSURE_LAPSED
                when = self.end
            else:
                code = label = ""
                when = None  # still waiting for its answer
            if when is not None:
                when = min(when, self.end)
                cloture = {
                    "codeCloture": code,
                    "libelleCloture": label,
                    "dateCloture": when.isoformat(),
                    "infoJO": self._info_jo(_next_tuesday(when), None),
                }

        signalement = None
        if signal is not None:
            signalement = {
                "dateDepotSignal": (signal - timedelta(days=rng.randint(1, 6))).isoformat(),
                "infoJO": self._info_jo(signal, self._page(signal, rng.randint(0, 40))),
            }

        # Renewal of a question left unanswered for months.  The JSON shape is
        # not verified (DATA.md §1 "[?]"): it mirrors the legacy XML
        # RENOUVELLEMENT/ORDRE{DATE_RENOUVELLEMENT, TYPE_JO, NUMERO_JO}.
        renouvellements = None
        waited_until = answer_date or (
            self.end if cloture is None else date.fromisoformat(cloture["dateCloture"])
        )
        if signal is None and (waited_until - published).days > 150 and rng.random() < 0.15:
            entries = []
            when = published
            for _ in range(1 if rng.random() < 0.8 else 2):
                when = _next_tuesday(when + timedelta(days=rng.randint(63, 100)))
                if when >= waited_until:
                    break
                entries.append(
                    {
                        "dateRenouvellement": when.isoformat(),
                        "infoJO": self._info_jo(when, self._page(when, rng.randint(0, 60))),
                    }
                )
            if entries:
                renouvellements = {"renouvellement": entries if len(entries) > 1 else entries[0]}

        analyse = _cap(_bare(topic))
        min_int: dict[str, Any] = {}
        if asked.organe_ref:
            min_int["organeRef"] = asked.organe_ref
        min_int["abrege"] = asked.abrege
        min_int["developpe"] = asked.developpe

        return {
            "question": {
                "@xmlns": XMLNS,
                "@xmlns:xsi": XMLNS_XSI,
                "@xsi:type": "QuestionEcrite_Type",
                "uid": f"QANR5L{leg}QE{number}",
                "identifiant": {"numero": str(number), "regime": "5eme Republique", "legislature": str(leg)},
                "type": "QE",
                "indexationAN": {"rubrique": rubrique, "teteAnalyse": None, "analyses": {"analyse": analyse}},
                "auteur": {
                    "identite": {"acteurRef": deputy.acteur_ref, "mandatRef": deputy.mandat_ref},
                    "groupe": {
                        "organeRef": deputy.group[0],
                        "abrege": deputy.group[1],
                        "developpe": deputy.group[2],
                    },
                },
                "minInt": min_int,
                "minAttribs": {"minAttrib": attributions if len(attributions) > 1 else attributions[0]},
                "textesQuestion": {"texteQuestion": {"infoJO": q_info, "texte": q_text}},
                "textesReponse": textes_reponse,
                "cloture": cloture,
                "signalement": signalement,
                "renouvellements": renouvellements,
            }
        }

    def documents(self) -> Iterator[tuple[str, bytes]]:
        """(zip member name, JSON bytes) for questions 1..count, in order."""
        leg = self.legislature
        dumps = json.dumps
        for number in range(1, self.count + 1):
            yield f"json/QANR5L{leg}QE{number}.json", dumps(self.question(number)).encode("ascii")


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """Index drawn with the given cumulative weights (bisect, as random.choices does)."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def write_dump(
    path: Path | str,
    count: int,
    seed: int = 1,
    legislature: int = 13,
    *,
    corpus: Path | None = None,
    compresslevel: int = 1,
) -> Path:
    """Write a synthetic official-shaped dump of ``count`` questions to ``path``; return the path.

    Streams member by member (memory stays flat whatever ``count``).  The bytes
    depend only on (count, seed, legislature) and the real corpus they learn from.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = Generator(count, seed=seed, legislature=legislature, corpus=corpus)
    stamp = (2026, 8, 10, 3, 0, 0)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, data in generator.documents():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=compresslevel)
    tmp.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000, help="number of questions (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--legislature", type=int, default=13)
    parser.add_argument("--out", type=Path, required=True, help="zip file to write")
    parser.add_argument("--level", type=int, default=1, help="deflate level 1-9 (default 1: fastest)")
    parser.add_argument(
        "--corpus", type=Path, default=None, help=f"real records to learn from (default {DEFAULT_CORPUS})"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = write_dump(
        args.out,
        args.count,
        seed=args.seed,
        legislature=args.legislature,
        corpus=args.corpus,
        compresslevel=args.level,
    )
    elapsed = time.perf_counter() - started
    size = out.stat().st_size
    print(
        f"{out}: {args.count} questions, {size / 1e6:.1f} MB, {elapsed:.1f} s ({args.count / elapsed:,.0f} questions/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
