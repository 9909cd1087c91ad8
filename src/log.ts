/**
 * The logging the core needs: structured fields first, then a message. pino's Logger fits it;
 * tests and benchmarks may pass anything shaped alike. One shape for every layer.
 */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
