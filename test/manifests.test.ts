import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const ROOT = path.resolve(__dirname, '..');

/** The bot scopes each Slack Web API method we call needs (api.slack.com/methods). */
const SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.open': ['im:write'],
  'conversations.history': ['im:history'],
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
  'files.uploadV2': ['files:write'],
  'views.open': [],
  'views.update': [],
  'views.publish': [],
};

describe('app manifests', () => {
  it('the Slack manifest asks for exactly the scopes the code uses, and routes everything to /slack/events', () => {
    const manifest = fs.readFileSync(path.join(ROOT, 'manifest/slack/manifest.yml'), 'utf8');
    const botScopes = /bot:\n((?:\s+- .*\n)+)/
      .exec(manifest)?.[1]
      ?.split('\n')
      .map((l) =>
        l
          .replace(/#.*/, '')
          .replace(/^\s*-\s*/, '')
          .trim(),
      )
      .filter(Boolean);
    const source = fs
      .readdirSync(path.join(ROOT, 'adapters/slack'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'adapters/slack', f), 'utf8'))
      .join('\n');
    const called = [...new Set([...source.matchAll(/\.(chat|users|conversations|views|files)\.([a-zA-Z0-9]+)\(/g)].map((m) => `${m[1]}.${m[2]}`))];
    expect(called.filter((m) => !(m in SCOPES))).toEqual([]);
    const needed = new Set(['commands', ...called.flatMap((m) => SCOPES[m] ?? [])]);
    expect([...(botScopes ?? [])].sort()).toEqual([...needed].sort());
    expect(manifest).toContain('command: /privacy\n');
    expect(manifest).toContain('command: /privacy-report\n');
    expect(manifest.match(/url: https:\/\/bot\.example\.com\/slack\/events/g)?.length).toBeGreaterThanOrEqual(4);
    expect(manifest).toContain('app_home_opened');
    expect(manifest).toContain('home_tab_enabled: true');
  });

  it("the Teams manifest declares the bot in personal scope with its commands, in team scope for the digest's channel, and icons of the right size", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest/teams/manifest.json'), 'utf8')) as Record<string, any>;
    expect(manifest.manifestVersion).toBe('1.19');
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team']);
    expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).toEqual(['privacy', 'privacy schedule', 'privacy-report', 'help']);
    expect(manifest.bots[0].commandLists[1]).toMatchObject({
      scopes: ['team'],
      commands: [{ title: 'privacy-report here' }, { title: 'privacy-report here off' }],
    });
    // Installing the app for drivers through Graph (TEAMS_INSTALL_FOR_DRIVERS) needs the app registration declared.
    expect(manifest.webApplicationInfo).toEqual({ id: '${MICROSOFT_APP_ID}', resource: 'api://${PUBLIC_HOST}/${MICROSOFT_APP_ID}' });
    const color = PNG.sync.read(fs.readFileSync(path.join(ROOT, 'manifest/teams/color.png')));
    const outline = PNG.sync.read(fs.readFileSync(path.join(ROOT, 'manifest/teams/outline.png')));
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
    // The outline icon is white on transparent.
    const alphas = new Set<number>();
    for (let i = 0; i < outline.data.length; i += 4) {
      alphas.add(outline.data[i + 3]!);
      if (outline.data[i + 3]! > 0) expect([outline.data[i], outline.data[i + 1], outline.data[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(alphas.has(0)).toBe(true);
  });
});
