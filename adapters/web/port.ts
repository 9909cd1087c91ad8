import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Person } from '../../src/domain';
import { foldName as fold } from '../../src/privacy/directory';
import type { DiscoveredUser, DiscoveringPort, MessageRef } from '../../src/privacy/ports';
import type { View } from '../../src/views/views';

/** One line of a web chat conversation: what the person typed, or a message of the bot. */
export interface WebMessage {
  id: string;
  at: string;
  from: 'user' | 'bot';
  /** What the person typed (from: 'user'). */
  text?: string;
  /** What the bot showed (from: 'bot'). */
  view?: View;
}

/** Someone of the sandbox's seeded fleet, as the web chat offers them. */
export interface WebPerson {
  key: string;
  name: string;
  email: string | null;
}

const KEPT_PER_PERSON = 200;

/**
 * The web chat's conversations, one per person, in the order they happened: what they typed,
 * what the bot answered, the daily prompts. Kept in DATA_DIR (when given) so that a restart of
 * the sandbox shows the same conversations.
 */
export class WebPort implements DiscoveringPort {
  readonly platform = 'web' as const;
  private readonly conversations: Record<string, WebMessage[]>;
  private saving: NodeJS.Timeout | undefined;

  constructor(
    private readonly people: WebPerson[],
    private readonly file?: string,
  ) {
    this.conversations = file ? load(file) : {};
  }

  async discover(email: string): Promise<DiscoveredUser | undefined> {
    const person = this.people.find((p) => p.email === email.toLowerCase());
    return person && found(person);
  }

  async discoverByName(name: string): Promise<DiscoveredUser | undefined> {
    const wanted = fold(name);
    const matches = this.people.filter((p) => fold(p.name) === wanted || fold(p.key) === wanted);
    // A first name alone names the one person who has it.
    const byFirst = matches.length || wanted.includes(' ') ? [] : this.people.filter((p) => fold(p.name).split(' ')[0] === wanted);
    const one = matches.length ? matches : byFirst;
    return one.length === 1 ? found(one[0] as WebPerson) : undefined;
  }

  async sendDirect(person: Person, view: View): Promise<MessageRef> {
    return { platform: 'web', messageId: this.append(person.chat_user_id, { from: 'bot', view }).id };
  }

  async updateMessage(person: Person, ref: MessageRef, view: View): Promise<void> {
    if (typeof ref.messageId === 'string') this.replace(person.chat_user_id, ref.messageId, view);
  }

  /** Shows `view` in place of a message of someone's conversation. */
  replace(key: string, messageId: string, view: View): void {
    const message = this.conversation(key).find((m) => m.id === messageId);
    if (!message) return;
    message.view = view;
    this.changed();
  }

  /** Adds a line to someone's conversation. */
  append(key: string, line: Omit<WebMessage, 'id' | 'at'>): WebMessage {
    const message: WebMessage = { id: randomUUID(), at: new Date().toISOString(), ...line };
    const conversation = this.conversation(key);
    conversation.push(message);
    if (conversation.length > KEPT_PER_PERSON) conversation.splice(0, conversation.length - KEPT_PER_PERSON);
    this.conversations[key] = conversation;
    this.changed();
    return message;
  }

  conversation(key: string): WebMessage[] {
    return this.conversations[key] ?? [];
  }

  /** Writes what is pending now (a graceful stop). */
  flush(): void {
    if (!this.saving) return;
    clearTimeout(this.saving);
    this.saving = undefined;
    this.save();
  }

  private changed(): void {
    if (!this.file || this.saving) return;
    this.saving = setTimeout(() => {
      this.saving = undefined;
      this.save();
    }, 200);
    this.saving.unref();
  }

  private save(): void {
    if (!this.file) return;
    // Written aside, then renamed: a crash mid-write leaves the previous copy, never half a file.
    const temporary = `${this.file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.conversations));
    fs.renameSync(temporary, this.file);
  }
}

function load(file: string): Record<string, WebMessage[]> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, WebMessage[]>) : {};
  } catch {
    // None yet, or unreadable: the sandbox's chat starts afresh (nothing else depends on it).
    return {};
  }
}

function found(person: WebPerson): DiscoveredUser {
  return { workspaceId: 'sandbox', chatUserId: person.key, email: person.email, displayName: person.name };
}
