/**
 * A store that cannot be opened as it is: a folder that is not a complete store, damaged files,
 * a store another process holds, a server that refuses us. The message is one line that names
 * what is wrong and what to do; the start prints it and stops.
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
