import type { ActionOutcome } from '../../src/chat/router';
import type { Platform } from '../../src/domain';
import type { ChatRequest } from '../../src/privacy/people/people';
import type { Profile } from '../../src/privacy/ports';
import type { View } from '../../src/views/views';
import type { TestService } from './service';

/**
 * Requests to the core's three doors as an adapter makes them, for tests of the business rules
 * below the transports: a chat user whose platform says what `profile` says.
 */
export function user(chatUserId: string, profile: Omit<Profile, 'chatUserId'> = {}, platform: Platform = 'web', workspaceId = 'W'): ChatRequest {
  return { user: { platform, workspaceId, chatUserId }, profile: async (id) => (id === chatUserId ? { chatUserId, ...profile } : undefined) };
}

/** What the core shows for a typed line, in order. */
export async function typed(t: TestService, request: ChatRequest, text: string): Promise<View[]> {
  const views: View[] = [];
  await t.service.core.router.typed(request, { text }, async (view) => void views.push(view));
  return views;
}

/** What a click leads to, once done (the part before the acknowledgement included). */
export async function clicked(t: TestService, request: ChatRequest, actionId: string, value: string): Promise<ActionOutcome> {
  let outcome: ActionOutcome = {};
  const click = await t.service.core.router.clicked(request, actionId, value);
  await click.finish(async (result) => {
    outcome = result;
  });
  return outcome;
}
