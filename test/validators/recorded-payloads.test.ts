import { PNG } from 'pngjs';
import { cardProblems, cardsOf } from '../support/cards';
import { plainJson } from '../support/text';
import { HOSTILE, type Recording, recordRepresentativeDay } from './record-day';
import { typeErrors } from './typecheck';

/*
 * What the real adapters sent during a representative day, judged by Slack's and Microsoft's
 * own validators (their published types, the Adaptive Cards parser) and by the rules their
 * documentation adds: sizes, pixels, HTTPS links, what Teams renders, escaping.
 */

let day: Recording;
beforeAll(async () => {
  day = await recordRepresentativeDay();
}, 240_000);
afterAll(() => day?.t.stop());

const TEAMS_MAX_ACTIVITY_BYTES = 40 * 1024;

function walk(node: unknown, visit: (node: Record<string, unknown>, path: string) => void, path = ''): void {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, visit, `${path}[${i}]`);
  } else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}.${k}`);
  }
}

function allCards() {
  return day.teams.flatMap((p) =>
    p.via === 'invoke' ? [{ via: p.via, card: (p.body as { value?: Record<string, unknown> }).value! }] : cardsOf(p.body).map((card) => ({ via: p.via, card })),
  );
}

describe('every Slack surface the service sent', () => {
  it('covers messages, updates, responses, modals and the App Home', () => {
    const vias = new Set(day.slack.map((p) => `${p.via}/${p.surface}`));
    expect([...vias].sort()).toEqual(
      expect.arrayContaining([
        'chat.postMessage/message',
        'chat.update/message',
        'response_url/message',
        'views.open/modal',
        'views.update/modal',
        'views.publish/home',
      ]),
    );
  });

  it("covers the managers' year, non-responders, the weekly digest in a DM and in the channel, and a day closed", () => {
    const sent = (channel: string) => JSON.stringify(day.slack.filter((p) => p.body.channel === channel));
    expect(sent('D_U_BOSS')).toContain('Weekly digest');
    expect(sent('C0REPORTS1')).toContain('Rapport hebdomadaire');
    const all = JSON.stringify(day.slack);
    for (const text of ['Benefit in kind', 'Trips without an answer', 'remind_unanswered', 'Le délai de réponse est passé']) expect(all).toContain(text);
  });

  it('covers suggestions: the reason under a trip and the accept button, on a full page of a long day too', () => {
    const all = plainJson(day.slack);
    for (const text of ['Suggestion : privé les 3 dernières fois', 'accept_suggestions:', 'Accepter les suggestions', 'sug:']) expect(all).toContain(text);
    const paged = day.slack.filter((p) => JSON.stringify(p.body).includes('Page 2/3') && JSON.stringify(p.body).includes('accept_suggestions'));
    expect(paged.length).toBeGreaterThan(0);
  });

  it('type-checks against @slack/types: messages as KnownBlock[], modals as ModalView, the App Home as HomeView', () => {
    const values = day.slack.flatMap((p, i) => {
      if (p.surface === 'modal') return [{ label: `${p.via} #${i}`, type: 'ModalView', value: p.body }];
      if (p.surface === 'home') return [{ label: `${p.via} #${i}`, type: 'HomeView', value: p.body }];
      return p.body.blocks ? [{ label: `${p.via} #${i} blocks`, type: 'KnownBlock[]', value: p.body.blocks }] : [];
    });
    expect(values.length).toBeGreaterThan(20);
    expect(typeErrors(["import type { HomeView, KnownBlock, ModalView } from '@slack/types';"], values)).toEqual([]);
  });

  it("keeps within Block Kit's documented limits, counted on the text Slack receives", () => {
    const problems: string[] = [];
    for (const p of day.slack) {
      const blocks = (p.body.blocks ?? []) as unknown[];
      if (blocks.length > (p.surface === 'message' ? 50 : 100)) problems.push(`${p.via}: ${blocks.length} blocks`);
      walk(blocks, (node, path) => {
        const text = (node.text as { text?: string } | undefined)?.text;
        if (node.type === 'section' && text && text.length > 3000) problems.push(`${p.via}${path}: section text of ${text.length}`);
        if (node.type === 'header' && text && text.length > 150) problems.push(`${p.via}${path}: header of ${text.length}`);
        if (node.type === 'section' && Array.isArray(node.fields) && node.fields.length > 10) problems.push(`${p.via}${path}: ${node.fields.length} fields`);
        if (node.type === 'button' && text && text.length > 75) problems.push(`${p.via}${path}: button label of ${text.length}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('escapes what users typed in the notification text too: no <!channel>, <@user> or link reaches Slack as markup', () => {
    const texts = day.slack.filter((p) => p.surface === 'message' && typeof p.body.text === 'string').map((p) => p.body.text as string);
    expect(texts.some((t) => t.includes('channel'))).toBe(true); // the hostile command was echoed
    expect(texts.filter((t) => /<[!@#]|<https?:/.test(t))).toEqual([]);
  });

  it('shows user-written text verbatim: mrkdwn that carries it neither links URLs nor parses mentions', () => {
    const loose: string[] = [];
    for (const p of day.slack) {
      walk(p.body.blocks ?? [], (node, path) => {
        if (node.type === 'mrkdwn' && /evil\.example|channel|Martin/.test(String(node.text)) && node.verbatim !== true) loose.push(`${p.via}${path}`);
      });
    }
    expect(loose).toEqual([]);
  });
});

describe('every Teams activity and card the service sent', () => {
  it('covers proactive messages, updates, replies and invoke answers', () => {
    expect(new Set(day.teams.map((p) => p.via))).toEqual(new Set(['sent', 'updated', 'invoke']));
  });

  it("covers the managers' year, non-responders, the weekly digest in a personal chat and in the channel, and a day closed", () => {
    const all = JSON.stringify(day.teams);
    for (const text of ['Avantage en nature', 'Trajets sans réponse', 'Rapport hebdomadaire', 'Ce canal recevra', 'Le délai de réponse est passé'])
      expect(all).toContain(text);
    expect(day.t.connector.sent().filter((c) => c.conversationId === '19:reports@thread.tacv2').length).toBe(2);
  });

  it('covers suggestions: the reason under a trip and the accept action, and the accepted card', () => {
    const all = plainJson(day.teams);
    for (const text of ['Suggestion : privé les 3 dernières fois', '"verb":"accept_suggestions"', 'Accepter les suggestions']) expect(all).toContain(text);
    expect(
      day.teams.some((p) => p.via === 'invoke' && JSON.stringify(p.body).includes('Page 3/3') && JSON.stringify(p.body).includes('Privé — enregistrement…')),
    ).toBe(true);
  });

  it('passes the Adaptive Cards parser with no warning', () => {
    const problems = allCards().flatMap(({ via, card }) => cardProblems(card).map((p) => `${via}: ${p}`));
    expect(problems).toEqual([]);
  });

  it("type-checks against Microsoft's card model with Teams' msteams extension (@microsoft/teams.cards) and botframework-schema's invoke response", () => {
    const cards = allCards().map(({ via, card }, i) => ({ label: `${via} card #${i}`, type: 'IAdaptiveCard', value: card }));
    const invokes = day.teams.filter((p) => p.via === 'invoke').map((p, i) => ({ label: `invoke #${i}`, type: 'AdaptiveCardInvokeResponse', value: p.body }));
    const attachments = day.teams
      .filter((p) => p.via !== 'invoke')
      .map((p, i) => ({ label: `${p.via} #${i} attachments`, type: 'Attachment[]', value: p.body.attachments ?? [] }));
    expect(invokes.length).toBeGreaterThan(5);
    expect(
      typeErrors(
        ["import type { IAdaptiveCard } from '@microsoft/teams.cards';", "import type { AdaptiveCardInvokeResponse, Attachment } from 'botframework-schema';"],
        [...cards, ...invokes, ...attachments],
      ),
    ).toEqual([]);
  });

  it('answers every invoke with a card that replaces the clicked one', () => {
    for (const p of day.teams.filter((x) => x.via === 'invoke'))
      expect(p.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5' } });
  });

  it('keeps every activity under 40 KB of JSON once base64 images are left out (Teams refuses about 100 KB)', () => {
    const sizes = day.teams.map((p) => ({
      via: p.via,
      bytes: Buffer.byteLength(JSON.stringify(p.body).replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g, 'data:')),
    }));
    expect(sizes.filter((s) => s.bytes > TEAMS_MAX_ACTIVITY_BYTES)).toEqual([]);
  });

  it("keeps the inline chart within Teams' 1024×1024 pixels and 1 MB", () => {
    const images = allCards().flatMap(({ card }) => {
      const found: string[] = [];
      walk(card, (node) => {
        if (node.type === 'Image' && typeof node.url === 'string' && node.url.startsWith('data:')) found.push(node.url);
      });
      return found;
    });
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const url of images) {
      const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
      const { width, height } = PNG.sync.read(png);
      expect({ width: Math.min(width, 1024), height: Math.min(height, 1024), megabyte: png.length <= 1024 * 1024 }).toEqual({ width, height, megabyte: true });
    }
  });

  it('links only to HTTPS: images and files', () => {
    const links: string[] = [];
    for (const { card } of allCards()) {
      walk(card, (node) => {
        if (node.type === 'Action.OpenUrl' || node.type === 'Image') links.push(String(node.url));
      });
    }
    expect(links.some((l) => l.includes('/files/'))).toBe(true);
    expect(links.filter((l) => !l.startsWith('https://') && !l.startsWith('data:image/png;base64,'))).toEqual([]);
  });

  it('uses only button looks Teams draws: no positive or destructive style', () => {
    const styled: string[] = [];
    for (const { via, card } of allCards()) {
      walk(card, (node, path) => {
        if (String(node.type).startsWith('Action.') && 'style' in node) styled.push(`${via}${path}: ${String(node.style)}`);
      });
    }
    expect(styled).toEqual([]);
  });

  it('never lets a name, a description or a typed line become markdown: user text is only in TextRuns', () => {
    const markdownish: string[] = [];
    let seen = 0;
    for (const { via, card } of allCards()) {
      walk(card, (node, path) => {
        for (const [key, value] of Object.entries(node)) {
          if (typeof value !== 'string' || !/evil\.example|<!channel>|\*gras\*/.test(value)) continue;
          seen += 1;
          if (node.type !== 'TextRun' || key !== 'text') markdownish.push(`${via}${path}.${key} (${String(node.type)})`);
        }
      });
    }
    expect(seen).toBeGreaterThan(0);
    expect(markdownish).toEqual([]);
    expect(HOSTILE.description).toContain('evil.example');
  });
});
