/*
 * privacy/people/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * Who is who in the chat. Owns the people of the chat and their roles (people.ts) and the
 * links between a chat account and an Ocean driver (links.ts).
 * May use: scope (and the kernel: ../directory.ts, ../ports.ts).
 */
export { LinkService } from './links';
export { type Actor, type ChatRequest, localeOf, PeopleService, personRef, type Target } from './people';
