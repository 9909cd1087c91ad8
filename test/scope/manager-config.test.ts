import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Service } from '../../adapters/service';
import { ConfigError, loadConfig } from '../../src/config';
import { boot } from '../../src/main';
import { Fleet, SITE_MANAGER_INDEX } from '../../src/sandbox/fleet';
import { startTestService } from '../support/service';
import { runToExit } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';

/*
 * MANAGERS: each manager with their scope, the whole fleet or Ocean entities and groups by id or
 * name; MANAGER_EMAILS keeps meaning the whole fleet. A wrong scope stops the start with one line
 * naming it: its syntax when the configuration is read, its names and ids against Ocean's
 * `individus/list` before the service takes a request.
 */

const fleet = new Fleet();
const email = (index: number) => fleet.byIndex(index).email!;

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('MANAGERS', () => {
  it('reads the whole fleet, entities and groups by id or name; MANAGER_EMAILS still means the whole fleet', () => {
    const config = loadConfig({
      MANAGER_EMAILS: 'Boss@x.fr',
      MANAGERS: 'claire.martin@x.fr=*; Paul.Roux@x.fr=entity:Agence Lyon, entité:12;\n ines@x.fr=groupe:"Commerciaux", group: 7 ',
    });
    expect(config.managerEmails).toEqual(['boss@x.fr']);
    expect(config.managers).toEqual([
      { email: 'claire.martin@x.fr', scope: 'fleet' },
      {
        email: 'paul.roux@x.fr',
        scope: [
          { kind: 'entity', name: 'Agence Lyon' },
          { kind: 'entity', id: 12 },
        ],
      },
      {
        email: 'ines@x.fr',
        scope: [
          { kind: 'group', name: 'Commerciaux' },
          { kind: 'group', id: 7 },
        ],
      },
    ]);
    expect(loadConfig({}).managers).toEqual([]);
  });

  it('a malformed entry stops the start with one line naming it', () => {
    const cases: [string, RegExp][] = [
      ['paul@x.fr=entiy:Lyon', /^MANAGERS has "entiy:Lyon" in the scope of paul@x.fr: expected \* or entity:<Ocean id or name>/],
      ['paul@x.fr', /^MANAGERS "paul@x.fr" has no scope: write e-mail=\*/],
      ['paul@x.fr=', /^MANAGERS has "" in the scope of paul@x.fr|^MANAGERS has "[^"]*" in the scope/],
      ['paul.x.fr=*', /^MANAGERS "paul.x.fr" is not an e-mail address$/],
      ['paul@x.fr=*; paul@x.fr=entity:1', /^MANAGERS names paul@x.fr twice/],
      ['paul@x.fr=entity:0', /^MANAGERS has "entity:0" in the scope of paul@x.fr/],
      ['paul@x.fr=group:', /^MANAGERS has "group:" in the scope of paul@x.fr/],
    ];
    for (const [value, expected] of cases) {
      const message = configError({ MANAGERS: value });
      expect(message).toMatch(expected);
      expect(message).not.toContain('\n');
    }
    expect(configError({ MANAGER_EMAILS: 'paul@x.fr', MANAGERS: 'paul@x.fr=entity:1' })).toBe(
      'MANAGERS names paul@x.fr, who is in MANAGER_EMAILS too (the whole fleet): name each manager once',
    );
  });

  it("an entity or a group Ocean does not have stops the start, naming it; Ocean's names and ids start it", async () => {
    const start = (scope: { kind: 'entity' | 'group'; name: string } | { kind: 'entity' | 'group'; id: number }) =>
      startTestService({ slack: false, teams: false, config: { managers: [{ email: email(SITE_MANAGER_INDEX), scope: [scope] }] } });
    await expect(start({ kind: 'entity', name: 'Agence Paris' })).rejects.toThrow(
      new ConfigError(
        'MANAGERS',
        `names entity:Agence Paris for ${email(SITE_MANAGER_INDEX)}, which Ocean's individus/list does not have: check the entity's id or name in Ocean`,
      ),
    );
    await expect(start({ kind: 'group', id: 99 })).rejects.toThrow(/^MANAGERS names group:99 for /);
    for (const scope of [
      { kind: 'entity', name: 'agence lyon' },
      { kind: 'entity', id: 12 },
      { kind: 'group', name: 'Techniciens' },
    ] as const) {
      const t = await start(scope);
      await t.stop();
    }
  }, 60_000);

  it('the real start exits with one line when a name is wrong', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'managers-'));
    await copyTemplateInto(dataDir); // a made store: the start is refused after opening it
    try {
      const result = await runToExit({ DATA_DIR: dataDir, MANAGERS: `${email(SITE_MANAGER_INDEX)}=entity:Agence Paris` });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `Configuration error: MANAGERS names entity:Agence Paris for ${email(SITE_MANAGER_INDEX)}, which Ocean's individus/list does not have: check the entity's id or name in Ocean`,
      ]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("the sandbox's quick start has a site manager for Agence Lyon next to the fleet manager", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-managers-'));
    await copyTemplateInto(dataDir);
    let service: Service | undefined;
    try {
      service = await boot(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
      const people = (await (await fetch(`${service.url}/web/api/people`)).json()) as { email: string; role: string; note: string }[];
      const managers = people.filter((p) => p.role === 'manager');
      expect(managers.map((p) => [p.email, p.note])).toEqual([
        [email(0), 'sans véhicule'],
        [email(SITE_MANAGER_INDEX), 'périmètre : Agence Lyon'],
      ]);
    } finally {
      await service?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
