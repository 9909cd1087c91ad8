import type { Locale } from '../src/domain';

/*
 * The public pages' words, French first. They describe what the code does: change them with
 * the code (what is stored: src/store/migrations.ts; how long: RETENTION_DAYS).
 */

export type PageName = 'about' | 'privacy' | 'terms';

export interface PageText {
  title: string;
  /** Paragraphs, or [heading, ...paragraphs] sections. */
  sections: { heading?: string; paragraphs: string[] }[];
}

interface Facts {
  retentionDays: number;
}

export const NAV: Record<Locale, Record<PageName, string> & { other: string; lang: string }> = {
  fr: { about: 'Présentation', privacy: 'Confidentialité', terms: "Conditions d'utilisation", other: 'English', lang: 'en' },
  en: { about: 'About', privacy: 'Privacy', terms: 'Terms of use', other: 'Français', lang: 'fr' },
};

export function pageText(page: PageName, locale: Locale, facts: Facts): PageText {
  const days = String(facts.retentionDays);
  return locale === 'fr' ? FR[page](days) : EN[page](days);
}

const FR: Record<PageName, (days: string) => PageText> = {
  about: () => ({
    title: 'Vie privée Ocean',
    sections: [
      {
        paragraphs: [
          "Vie privée Ocean amène dans Slack et Microsoft Teams les fonctions « vie privée » d'Ocean, la plateforme de télématique de flotte.",
          'Chaque matin, chaque conducteur reçoit en message privé ses trajets de la veille et indique, trajet par trajet ou pour toute la journée, s’ils étaient privés ou professionnels ; sa réponse est transmise à Ocean. Il consulte et modifie aussi ses horaires de vie privée.',
          'Les gestionnaires de flotte obtiennent un rapport de l’usage privé et professionnel par conducteur ou par véhicule : des totaux seulement, jamais le lieu ni l’heure d’un trajet privé.',
        ],
      },
      {
        heading: 'Qui l’exploite',
        paragraphs: [
          "Le service est installé et exploité par votre employeur (l'organisation qui gère la flotte), qui en est responsable. Pour toute question, adressez-vous à votre gestionnaire de flotte.",
        ],
      },
    ],
  }),
  privacy: (days) => ({
    title: 'Politique de confidentialité',
    sections: [
      {
        heading: 'Ce que le bot conserve',
        paragraphs: [
          'Pour chaque personne qui lui écrit ou à qui il écrit : son identifiant Slack ou Teams, son adresse e-mail professionnelle, son nom affiché, sa langue, le lien vers sa fiche conducteur Ocean et son rôle (conducteur ou gestionnaire) ; pour Teams, la référence de la conversation qui permet de lui écrire.',
          "Pour chaque message du matin : les trajets de la veille qui lui sont demandés (heures de début et de fin, communes de départ et d'arrivée, distance, durée), puis chacune de ses réponses (privé ou professionnel), l'heure de la réponse et la confirmation d'Ocean.",
          `Un journal des actions des gestionnaires (rapports demandés, personnes reliées) ; les fichiers CSV des rapports envoyés dans Teams, dont le lien fonctionne ${days} jours.`,
          "Le bot ne conserve ni la position des véhicules, ni le trajet d'un déplacement : Ocean reste la source de ces données.",
        ],
      },
      {
        heading: 'Combien de temps',
        paragraphs: [
          `Les détails des trajets, les réponses et les messages du matin sont effacés ${days} jours après le jour concerné (réglage RETENTION_DAYS de l'organisation).`,
          'Les données d’une personne peuvent être effacées à sa demande par un gestionnaire de flotte.',
        ],
      },
      {
        heading: 'Qui voit quoi',
        paragraphs: [
          'Un conducteur voit ses propres trajets, ses réponses et ses horaires, et personne d’autre ne peut répondre à sa place.',
          "Les gestionnaires de flotte voient, par conducteur ou par véhicule, des totaux de distance, de durée, de coût et d'énergie privés et professionnels : jamais où ni quand un trajet privé a eu lieu.",
          'Les réponses sont transmises à Ocean, qui les applique au dossier du conducteur. Les messages passent par Slack ou Microsoft Teams, selon leurs propres conditions.',
        ],
      },
      {
        heading: 'Contact',
        paragraphs: [
          'Le responsable du traitement est votre employeur. Pour exercer vos droits (accès, rectification, effacement) ou pour toute question, contactez votre gestionnaire de flotte ou le délégué à la protection des données de votre organisation.',
        ],
      },
    ],
  }),
  terms: (days) => ({
    title: "Conditions d'utilisation",
    sections: [
      {
        paragraphs: [
          'Ce service est réservé aux conducteurs et gestionnaires de la flotte de votre organisation, avec leur compte professionnel Slack ou Teams.',
          "Chaque conducteur répond pour ses propres trajets. Une réponse envoyée à Ocean modifie le classement privé ou professionnel du trajet dans Ocean ; Ocean ne modifie jamais le passé au-delà de ce qu'il accepte.",
          'Les rapports des gestionnaires sont destinés à la gestion de la flotte et aux avantages en nature ; ils ne doivent pas servir à suivre les déplacements privés de quiconque.',
          `Les données sont conservées ${days} jours au plus, comme le décrit la politique de confidentialité.`,
          "Le service est fourni par votre organisation, qui peut le modifier ou l'arrêter. Pour toute question, adressez-vous à votre gestionnaire de flotte.",
        ],
      },
    ],
  }),
};

const EN: Record<PageName, (days: string) => PageText> = {
  about: () => ({
    title: 'Ocean privacy bot',
    sections: [
      {
        paragraphs: [
          'The Ocean privacy bot brings the "vie privée" (private life) features of Ocean, the fleet-telematics platform, into Slack and Microsoft Teams.',
          "Every morning, each driver gets yesterday's trips in a direct message and says, trip by trip or for the whole day, whether they were private or professional; the answer goes to Ocean. Drivers also view and change their private-life hours.",
          'Fleet managers get a report of private and professional use per driver or per vehicle: totals only, never where or when a private trip took place.',
        ],
      },
      {
        heading: 'Who runs it',
        paragraphs: [
          'The service is installed and run by your employer (the organisation that manages the fleet), which is responsible for it. For any question, ask your fleet manager.',
        ],
      },
    ],
  }),
  privacy: (days) => ({
    title: 'Privacy policy',
    sections: [
      {
        heading: 'What the bot keeps',
        paragraphs: [
          'For each person who writes to it or whom it writes to: their Slack or Teams id, work e-mail address, display name, language, the link to their Ocean driver record and their role (driver or manager); for Teams, the conversation reference it needs to write to them.',
          "For each morning message: the previous day's trips it asks about (start and end times, towns of departure and arrival, distance, duration), then each answer (private or professional), when it was given and Ocean's confirmation.",
          `A log of managers' actions (reports run, people linked); the CSV files of reports sent in Teams, whose link works for ${days} days.`,
          'The bot keeps neither vehicle positions nor the route of a trip: Ocean remains the source of those.',
        ],
      },
      {
        heading: 'For how long',
        paragraphs: [
          `Trip details, answers and morning messages are deleted ${days} days after the day they are about (the organisation's RETENTION_DAYS setting).`,
          "A fleet manager can erase a person's data at their request.",
        ],
      },
      {
        heading: 'Who sees what',
        paragraphs: [
          'A driver sees their own trips, answers and hours, and nobody else can answer for them.',
          'Fleet managers see, per driver or per vehicle, private and professional totals of distance, duration, cost and energy: never where or when a private trip took place.',
          "Answers are sent to Ocean, which applies them to the driver's record. Messages go through Slack or Microsoft Teams, under their own terms.",
        ],
      },
      {
        heading: 'Contact',
        paragraphs: [
          "The data controller is your employer. To exercise your rights (access, correction, erasure) or for any question, contact your fleet manager or your organisation's data protection officer.",
        ],
      },
    ],
  }),
  terms: (days) => ({
    title: 'Terms of use',
    sections: [
      {
        paragraphs: [
          'This service is for the drivers and fleet managers of your organisation, with their work Slack or Teams account.',
          'Each driver answers for their own trips. An answer sent to Ocean changes whether the trip counts as private or professional in Ocean, within what Ocean accepts.',
          "Managers' reports are for managing the fleet and benefits in kind; they must not be used to follow anyone's private movements.",
          `Data is kept for ${days} days at most, as the privacy policy describes.`,
          'The service is provided by your organisation, which may change or stop it. For any question, ask your fleet manager.',
        ],
      },
    ],
  }),
};
