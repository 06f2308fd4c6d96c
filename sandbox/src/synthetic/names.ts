import { createRequire } from "node:module";
import type { Random } from "./random.ts";

/**
 * Words the synthetic catalog is written in: what French public bodies publish (themes and their tags, the fixture's
 * own tags among them), and real place names from the Code officiel géographique (@etalab/decoupage-administratif).
 */

export interface Theme {
  title: string;
  tags: string[];
  /** Formats such data usually comes in, first the main one. */
  formats: string[];
}

export const THEMES: Theme[] = [
  { title: "Budget primitif", tags: ["budget", "finances-publiques"], formats: ["csv", "pdf"] },
  { title: "Compte administratif", tags: ["budget", "comptabilite"], formats: ["csv", "pdf"] },
  { title: "Délibérations du conseil", tags: ["deliberations", "action-publique"], formats: ["pdf", "csv"] },
  { title: "Subventions aux associations", tags: ["subventions", "association"], formats: ["csv", "xlsx"] },
  { title: "Marchés publics attribués", tags: ["marches-publics", "commande-publique"], formats: ["csv", "json"] },
  { title: "Qualité de l'air", tags: ["air", "environnement-et-sante", "pollution"], formats: ["csv", "json"] },
  { title: "Arrêts de transport en commun", tags: ["transport", "mobilite", "bus"], formats: ["csv", "geojson"] },
  { title: "Horaires théoriques du réseau", tags: ["transport", "gtfs", "ligne"], formats: ["gtfs", "zip"] },
  { title: "Équipements sportifs", tags: ["sport", "equipements"], formats: ["csv", "geojson"] },
  { title: "Défibrillateurs", tags: ["defibrillateur", "sante"], formats: ["csv", "json"] },
  { title: "Bornes de recharge", tags: ["irve", "mobilite-electrique"], formats: ["csv", "json"] },
  { title: "Base Adresse Locale", tags: ["adresse", "bal", "base-adresse-locale"], formats: ["csv"] },
  { title: "Plan local d'urbanisme", tags: ["urbanisme", "amenagement-urbain"], formats: ["zip", "pdf", "shapefile"] },
  { title: "Stationnement", tags: ["stationnement", "mobilite"], formats: ["csv", "geojson"] },
  { title: "Aménagements cyclables", tags: ["velo", "mobilite"], formats: ["geojson", "csv"] },
  { title: "Arbres d'alignement", tags: ["arbres", "espaces-verts"], formats: ["csv", "geojson"] },
  { title: "Consommation d'énergie des bâtiments", tags: ["energie", "transition-ecologique"], formats: ["csv"] },
  { title: "Collecte des déchets", tags: ["dechets", "environnement"], formats: ["csv", "pdf"] },
  { title: "Points d'apport volontaire", tags: ["dechets", "recyclage"], formats: ["csv", "geojson"] },
  { title: "Effectifs scolaires", tags: ["education", "jeunesse"], formats: ["csv", "xlsx"] },
  { title: "Menus de la restauration scolaire", tags: ["education", "alimentation"], formats: ["pdf", "csv"] },
  { title: "Population légale", tags: ["population", "territoires"], formats: ["csv", "xlsx"] },
  { title: "Naissances, mariages et décès", tags: ["etat-civil", "famille"], formats: ["csv"] },
  { title: "Accidents corporels de la circulation", tags: ["securite", "route"], formats: ["csv"] },
  { title: "Comptages routiers", tags: ["trafic", "route"], formats: ["csv", "json"] },
  { title: "Zones inondables", tags: ["risques", "inondation"], formats: ["shapefile", "geojson", "pdf"] },
  { title: "Toilettes publiques", tags: ["equipements", "services-publics"], formats: ["csv", "geojson"] },
  { title: "Bibliothèques et médiathèques", tags: ["culture", "lecture"], formats: ["csv"] },
  { title: "Monuments historiques", tags: ["culture", "patrimoine"], formats: ["csv", "json"] },
  { title: "Élus municipaux", tags: ["elus", "gouvernement"], formats: ["csv"] },
  { title: "Résultats des élections", tags: ["elections", "politique"], formats: ["csv", "xlsx"] },
  { title: "Permis de construire", tags: ["urbanisme", "logement"], formats: ["csv"] },
  {
    title: "Logements sociaux",
    tags: ["logement", "logements-sociaux", "bailleurs-sociaux"],
    formats: ["csv", "xlsx"],
  },
  { title: "Transactions immobilières", tags: ["foncier", "valeur-fonciere", "mutations"], formats: ["csv", "txt"] },
  { title: "Établissements recevant du public", tags: ["etablissements", "accessibilite"], formats: ["csv"] },
  { title: "Offres d'emploi", tags: ["emploi", "economie"], formats: ["csv", "json"] },
  { title: "Entreprises immatriculées", tags: ["entreprises", "siren", "siret"], formats: ["csv", "zip"] },
  { title: "Aides agricoles", tags: ["agriculture", "subventions"], formats: ["csv", "xlsx"] },
  { title: "Prélèvements en eau", tags: ["eau", "environnement"], formats: ["csv"] },
  { title: "Qualité des eaux de baignade", tags: ["eau", "sante"], formats: ["csv", "pdf"] },
  { title: "Fréquentation touristique", tags: ["tourisme", "economie"], formats: ["csv", "xlsx"] },
  { title: "Horaires des services publics", tags: ["services-publics", "horaires"], formats: ["csv", "json"] },
  { title: "Indicateurs de santé", tags: ["sante", "handicap"], formats: ["csv", "xlsx"] },
  { title: "Vaccination", tags: ["vaccination", "sante", "covid19"], formats: ["csv", "json"] },
  { title: "Délinquance enregistrée", tags: ["securite", "justice"], formats: ["csv", "xlsx"] },
  { title: "Rapport d'activité", tags: ["rapport", "action-publique"], formats: ["pdf"] },
  { title: "Cartographie des réseaux", tags: ["reseaux", "geospatiales"], formats: ["geojson", "shapefile", "www"] },
  { title: "Photographies aériennes", tags: ["orthophotographie", "geospatiales"], formats: ["zip", "page web"] },
];

const require = createRequire(import.meta.url);

interface Place {
  nom: string;
  code: string;
}

let places: { communes: Place[]; departements: Place[]; regions: Place[]; epci: Place[] } | undefined;

/** Communes, départements, régions and intercommunalités, read once. */
export function placeNames() {
  places ??= {
    communes: require("@etalab/decoupage-administratif/data/communes.json").filter(
      (c: { type: string }) => c.type === "commune-actuelle",
    ),
    departements: require("@etalab/decoupage-administratif/data/departements.json"),
    regions: require("@etalab/decoupage-administratif/data/regions.json"),
    epci: require("@etalab/decoupage-administratif/data/epci.json"),
  };
  return places;
}

/** The kinds of publishers, as often as the platform's list shows them, with how each is named. */
export const PUBLISHERS = {
  commune: { weight: 44, badges: ["local-authority"], name: (place: string) => `Commune de ${place}` },
  epci: { weight: 12, badges: ["local-authority"], name: (place: string) => place },
  departement: { weight: 2, badges: ["local-authority"], name: (place: string) => `Département ${de(place)}` },
  region: { weight: 0.4, badges: ["local-authority"], name: (place: string) => `Région ${place}` },
  agency: {
    weight: 14,
    badges: ["public-service"],
    name: (place: string, r: Random) => `${r.pick(AGENCIES)} ${de(place)}`,
  },
  association: { weight: 12, badges: [], name: (place: string, r: Random) => `${r.pick(ASSOCIATIONS)} ${de(place)}` },
  company: { weight: 15, badges: [], name: (place: string, r: Random) => `${r.pick(COMPANIES)} ${place}` },
} as const;
export type PublisherKind = keyof typeof PUBLISHERS;

const AGENCIES = [
  "Agence régionale de santé",
  "Direction départementale des territoires",
  "Observatoire régional de l'environnement",
  "Office de tourisme",
  "Syndicat mixte des eaux",
  "Chambre d'agriculture",
  "Centre communal d'action sociale",
  "Syndicat départemental d'énergie",
  "Parc naturel régional",
  "Service départemental d'incendie et de secours",
];
const ASSOCIATIONS = [
  "Association des usagers des transports",
  "Collectif vélo",
  "Association de sauvegarde du patrimoine",
  "Club de randonnée",
  "Observatoire citoyen",
];
const COMPANIES = ["Transports urbains", "Régie des eaux", "Énergies", "Données et territoires", "Mobilités"];

/** "de Lyon", "d'Annecy": the French elision before a vowel. */
export function de(place: string): string {
  return /^[aeiouyéèêàâîôûh]/i.test(place) ? `d'${place}` : `de ${place}`;
}

export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
