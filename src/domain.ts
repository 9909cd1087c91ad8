/*
 * The words of the domain that every layer uses: which chat platform, who someone is to the
 * bot, what a driver answered, which language we speak. Nothing here depends on anything else.
 */

export type Platform = 'slack' | 'teams' | 'web';
export type Role = 'driver' | 'manager';
export type Choice = 'private' | 'professional';
export type Locale = 'fr' | 'en';
