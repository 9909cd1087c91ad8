import type { Person, Platform } from '../domain';
import type { View } from '../views/views';

/** Where a sent message lives, for updating it later. Platform-specific fields stay opaque. */
export interface MessageRef {
  platform: Platform;
  [key: string]: unknown;
}

export type DeliveryErrorKind = 'rateLimited' | 'gone' | 'failed';

/** What an adapter throws when a message cannot be sent; the job decides what to do from `kind`. */
export class ChatDeliveryError extends Error {
  /** With kind `gone`: the person blocked the bot (Teams' 403 MessageWritesBlocked), rather than removed it. */
  readonly blocked: boolean;

  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; blocked?: boolean },
  ) {
    super(message, options);
    this.name = 'ChatDeliveryError';
    this.blocked = options?.blocked ?? false;
  }
}

/**
 * What the business rules need from a chat platform: send a direct message to a person and
 * update it later. Each adapter implements it; the core never imports a platform SDK.
 */
export interface ChatPort {
  readonly platform: Platform;
  sendDirect(person: Person, view: View, meta: { promptId?: number }): Promise<MessageRef>;
  updateMessage(person: Person, ref: MessageRef, view: View): Promise<void>;
  /**
   * After a crash between "sent" and "recorded as sent": finds the prompt message if the
   * platform has it, so that it is not sent twice. Platforms that cannot tell return undefined.
   */
  findPromptMessage?(person: Person, promptId: number, since: Date): Promise<MessageRef | undefined>;
  /** Posts to a channel (the weekly digest): Slack's channel id, or a Teams channel's stored reference. */
  postToChannel?(channel: ChannelTarget, view: View): Promise<MessageRef>;
}

/** A channel to post in: its id on the platform and, where the platform needs it, how to reach it. */
export interface ChannelTarget {
  id: string;
  reference?: unknown;
}

export class ChatPorts {
  private readonly ports = new Map<Platform, ChatPort>();

  register(port: ChatPort): void {
    this.ports.set(port.platform, port);
  }

  get(platform: Platform): ChatPort | undefined {
    return this.ports.get(platform);
  }

  platforms(): Platform[] {
    return [...this.ports.keys()];
  }
}

/** What a platform tells about one of its users (Slack's users.info, Teams' getMember). */
export interface Profile {
  /** The user's id as the bot keys them (a Teams user's AAD object id, when Teams gives it). */
  chatUserId: string;
  email?: string | null;
  displayName?: string | null;
  locale?: string | null;
}

/** A user a platform found by e-mail or name, never heard from yet (Slack's users.lookupByEmail). */
export interface DiscoveredUser extends Profile {
  workspaceId: string;
}

export interface DiscoveringPort extends ChatPort {
  /** Finds a user of the platform by e-mail. */
  discover(email: string): Promise<DiscoveredUser | undefined>;
  /** Finds a user by the name people call them (the sandbox's web chat; platforms without a search say nothing). */
  discoverByName?(name: string): Promise<DiscoveredUser | undefined>;
}

export function canDiscover(port: ChatPort): port is DiscoveringPort {
  return typeof (port as Partial<DiscoveringPort>).discover === 'function';
}

/** A personal chat between the bot and a user that the bot opened itself (Teams: the app installed through Microsoft Graph). */
export interface OpenedChat {
  /** The workspace (a Teams tenant id). */
  workspaceId: string;
  /** The user as the platform keys them (a Teams user's Entra object id). */
  chatUserId: string;
  /** The chat's id (Graph's chat id). */
  chatId: string;
}

export interface ChatOpeningPort extends ChatPort {
  /** How to reach that chat later, as the conversation store keeps it. */
  referenceForChat(chat: OpenedChat): Promise<unknown>;
}

export function canOpenChats(port: ChatPort): port is ChatOpeningPort {
  return typeof (port as Partial<ChatOpeningPort>).referenceForChat === 'function';
}
