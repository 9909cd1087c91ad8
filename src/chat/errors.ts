import type { Translator } from '../i18n';
import { OceanError } from '../ocean/errors';
import { textView, type View } from '../views/views';

/** An Ocean failure or an unexpected error, as the user reads it: in one place for every platform. */
export function errorView(error: unknown, t: Translator): View {
  return textView(errorText(error, t), 'error');
}

export function errorText(error: unknown, t: Translator): string {
  if (error instanceof OceanError) {
    switch (error.kind) {
      case 'unavailable':
      case 'auth':
        return t.t('errors.oceanUnavailable');
      case 'rateLimited':
        return t.t('errors.oceanRateLimited');
      case 'forbidden':
        return t.t('errors.oceanForbidden');
      case 'notFound':
        return t.t('errors.oceanNotFound');
      case 'invalidInput':
        return t.t('errors.oceanInvalid', { reason: error.oceanMessage ?? '' });
      case 'badResponse':
        return t.t('errors.oceanBadResponse');
    }
  }
  return t.t('errors.generic');
}
