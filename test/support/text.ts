/**
 * French text with its no-break spaces (src/i18n/typography.ts) read as plain spaces: what a
 * reader sees, so that tests can quote sentences as they read them.
 */
export function plain(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** A view, a payload or any value, as plain text to search (JSON, no-break spaces as spaces). */
export function plainJson(value: unknown): string {
  return plain(JSON.stringify(value));
}
