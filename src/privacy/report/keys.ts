/*
 * Ocean does not document the keys of its analysis' `*ByPeriodMap` maps, nor those of its split
 * by flag. A key is read as private or professional distance only because we guess so (the
 * built-in lists below) or because the operator said so (OCEAN_PRIVATE_KEYS,
 * OCEAN_PROFESSIONAL_KEYS). A figure computed from a guess says so; distance under a key read as
 * neither is shown as unclassified and no share is derived from it.
 */

export type KeyKind = 'private' | 'professional' | 'unknown';
/** Why a key is read as it is: the operator's setting, or our guess. */
export type KeySource = 'configured' | 'guess';

export interface KeyReading {
  kind: KeyKind;
  source: KeySource;
}

export const GUESSED_PRIVATE_KEYS = ['VIE_PRIVEE', 'PRIVEE', 'PRIVE', 'PRIVATE', 'PERSO', 'PERSONNEL', 'VP', 'TRUE', 'HORS_HORAIRE'] as const;
export const GUESSED_PROFESSIONAL_KEYS = [
  'PROFESSIONNEL',
  'PROFESSIONNELLE',
  'VIE_PROFESSIONNELLE',
  'VIE_PRO',
  'PRO',
  'PROFESSIONAL',
  'TRAVAIL',
  'WORK',
  'FALSE',
  'DANS_HORAIRE',
] as const;

/** A key as compared: trimmed, upper case. */
export function normalKey(key: string): string {
  return key.trim().toUpperCase();
}

/** The operator's lists; a side left unset keeps the built-in guesses for that side. */
export interface KeySettings {
  privateKeys?: readonly string[];
  professionalKeys?: readonly string[];
}

/**
 * How the analysis' keys are read. A side the operator set replaces our guesses for that side;
 * a key the operator put on one side is never read as the other by a guess.
 */
export class PeriodKeys {
  private readonly readings = new Map<string, KeyReading>();

  constructor(settings: KeySettings = {}) {
    const guess = (keys: readonly string[], kind: KeyKind) => {
      for (const key of keys) this.readings.set(normalKey(key), { kind, source: 'guess' });
    };
    if (!settings.privateKeys) guess(GUESSED_PRIVATE_KEYS, 'private');
    if (!settings.professionalKeys) guess(GUESSED_PROFESSIONAL_KEYS, 'professional');
    for (const key of settings.privateKeys ?? []) this.readings.set(normalKey(key), { kind: 'private', source: 'configured' });
    for (const key of settings.professionalKeys ?? []) this.readings.set(normalKey(key), { kind: 'professional', source: 'configured' });
  }

  read(key: string): KeyReading {
    return this.readings.get(normalKey(key)) ?? { kind: 'unknown', source: 'guess' };
  }
}

/** The built-in reading, for code that has no configuration (tests, benchmarks). */
export const GUESSED_KEYS = new PeriodKeys();
