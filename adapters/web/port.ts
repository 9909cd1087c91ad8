import { randomUUID } from 'node:crypto';
import type { View } from '../../src/views/views';
import type { DiscoveredUser, DiscoveringPort, MessageRef } from '../../src/privacy/ports';
import type { Person } from '../../src/store';

export interface WebMessage {
  id: string;
  at: string;
  view: View;
}

/** The web chat's "direct messages": kept in memory per person, read by the page. */
export class WebPort implements DiscoveringPort {
  readonly platform = 'web' as const;
  private readonly inboxes = new Map<number, WebMessage[]>();

  /** The sandbox's people are the seeded fleet: everyone with an e-mail can be reached. */
  constructor(private readonly known: (email: string) => { name: string } | undefined) {}

  async discover(email: string): Promise<DiscoveredUser | undefined> {
    const person = this.known(email);
    return person ? { workspaceId: 'sandbox', chatUserId: email, displayName: person.name } : undefined;
  }

  async sendDirect(person: Person, view: View): Promise<MessageRef> {
    const message = { id: randomUUID(), at: new Date().toISOString(), view };
    const inbox = this.inboxes.get(person.id) ?? [];
    inbox.push(message);
    if (inbox.length > 50) inbox.shift();
    this.inboxes.set(person.id, inbox);
    return { platform: 'web', messageId: message.id };
  }

  async updateMessage(person: Person, ref: MessageRef, view: View): Promise<void> {
    const message = this.inboxes.get(person.id)?.find((m) => m.id === ref.messageId);
    if (message) message.view = view;
  }

  replace(personId: number, messageId: string, view: View): boolean {
    const message = this.inboxes.get(personId)?.find((m) => m.id === messageId);
    if (message) message.view = view;
    return Boolean(message);
  }

  inbox(personId: number): WebMessage[] {
    return this.inboxes.get(personId) ?? [];
  }
}
