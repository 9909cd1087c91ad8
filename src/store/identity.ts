import type { Platform } from '../domain';

/** A chat account, as the adapters name it (the people table's key). */
export interface ChatIdentity {
  platform: Platform;
  workspaceId: string;
  chatUserId: string;
}

/** A chat account as last seen: what the platform told of it. */
export interface SeenPerson extends ChatIdentity {
  displayName?: string | null;
  email?: string | null;
  locale?: string | null;
}
