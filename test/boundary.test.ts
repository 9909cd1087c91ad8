import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * The layers of the design, checked on every import of every source file, in every form
 * (`import … from`, `export … from`, `import()`, `require()`), with TypeScript's own reader.
 * Data flows downward: a file may import its own layer and the layers below, never above.
 */

const ROOT = path.resolve(__dirname, '..');

/*
 * The rooms of the domain (src/privacy/<room>/) and the rooms each may use, as the opening
 * comment of each room's door (its index.ts) says. Every room may use the kernel
 * (src/privacy/directory.ts, src/privacy/ports.ts); the kernel uses no room. From outside a room
 * (another room, src/chat, src/app.ts, the adapters), only its door is imported.
 */
const ROOM_USES: Record<string, string[]> = {
  scope: [],
  reach: [],
  trips: [],
  people: ['scope'],
  daily: ['trips', 'people', 'reach'],
  schedule: ['trips', 'people'],
  report: ['daily', 'trips', 'people', 'scope', 'reach'],
  retention: ['people', 'daily', 'scope'],
};
const ROOMS = Object.keys(ROOM_USES);

/** Each module of src/ and its layer; adapters sit above them all. */
const LAYERS: { layer: number; name: string; match: RegExp }[] = [
  { layer: 0, name: 'base', match: /^src\/(domain|clock|log|metrics)\.ts$|^src\/(i18n|views)\// },
  { layer: 1, name: 'ocean', match: /^src\/ocean\// },
  { layer: 1, name: 'graph', match: /^src\/graph\// },
  { layer: 1, name: 'store', match: /^src\/store\// },
  { layer: 1, name: 'jobs', match: /^src\/jobs\// },
  { layer: 1, name: 'sandbox', match: /^src\/sandbox\// },
  { layer: 1, name: 'config', match: /^src\/(config|env-file)\.ts$/ },
  // The domain, by room (privacy/<room>/, each with its door index.ts) over a small kernel
  // (privacy/directory.ts, privacy/ports.ts) that every room may use.
  { layer: 2, name: 'privacy', match: /^src\/privacy\/[^/]+\.ts$/ },
  ...ROOMS.map((room) => ({ layer: 2, name: `privacy/${room}`, match: new RegExp(`^src/privacy/${room}/`) })),
  { layer: 3, name: 'chat', match: /^src\/chat\// },
  { layer: 4, name: 'composition', match: /^src\/app\.ts$/ },
  { layer: 5, name: 'adapters', match: /^adapters\// },
  // The entry points wire the adapters in: they are the top.
  { layer: 6, name: 'entry', match: /^src\/(main|cli)\.ts$/ },
];

/** Pairs that the layers alone would allow but the design forbids. */
const FORBIDDEN_PAIRS: [string, string, string][] = [
  ['sandbox', 'ocean', 'the simulator is an independent reading of the documentation, not the client'],
  ['ocean', 'store', 'the Ocean client knows nothing of persistence'],
  ['store', 'ocean', 'the store knows nothing of Ocean'],
  ['ocean', 'jobs', 'the Ocean client knows nothing of jobs'],
  ['store', 'jobs', 'the store knows nothing of jobs'],
  ['graph', 'store', 'the Graph client knows nothing of persistence'],
  ['graph', 'ocean', 'the Graph client is a far end of its own'],
];

/** Platform SDKs and the HTTP framework, and where each may be used. */
const PACKAGES: { match: RegExp; allowed: RegExp }[] = [
  { match: /^@slack\//, allowed: /^adapters\/slack\// },
  { match: /^(botbuilder|botframework-)/, allowed: /^adapters\/teams\// },
  { match: /^express$/, allowed: /^adapters\// },
];

export interface Source {
  file: string;
  text: string;
}

function layerOf(file: string): { layer: number; name: string } | undefined {
  return LAYERS.find((l) => l.match.test(file));
}

/** Every import of a file, in every form TypeScript knows (static, re-export, dynamic, require). */
function importsOf(source: Source): string[] {
  return ts.preProcessFile(source.text, true, true).importedFiles.map((i) => i.fileName);
}

export function violations(sources: Source[]): string[] {
  const found: string[] = [];
  for (const source of sources) {
    const from = layerOf(source.file);
    for (const spec of importsOf(source)) {
      if (!spec.startsWith('.')) {
        const rule = PACKAGES.find((p) => p.match.test(spec));
        if (rule && !rule.allowed.test(source.file)) found.push(`${source.file} imports ${spec}`);
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(source.file), spec));
      const to = LAYERS.find((l) => l.match.test(`${target}.ts`) || l.match.test(`${target}/index.ts`) || l.match.test(target) || l.match.test(`${target}/`));
      if (!from || !to) continue;
      if (to.layer > from.layer) found.push(`${source.file} (${from.name}) imports ${spec} (${to.name}, above it)`);
      const pair = FORBIDDEN_PAIRS.find(([a, b]) => a === from.name && b === to.name);
      if (pair) found.push(`${source.file} (${from.name}) imports ${spec} (${to.name}): ${pair[2]}`);
    }
  }
  return found;
}

/** The room a path of src/privacy/ lies in ('' for the kernel at its root); undefined outside the domain. */
function roomOf(file: string): string | undefined {
  const m = /^src\/privacy\/(?:([^/]+)\/|[^/]+$)/.exec(file);
  return m ? (m[1] ?? '') : undefined;
}

/** The relative imports of a file, as paths from the root without extension (`src/privacy/daily/run`). */
function relativeImports(source: Source): string[] {
  return importsOf(source)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(source.file), spec)).replace(/\.(ts|js)$/, ''));
}

/** The room an import names: `src/privacy/daily` (its door) or `src/privacy/daily/run`; '' for a kernel file. */
function roomOfTarget(target: string): string | undefined {
  const m = /^src\/privacy\/([^/]+)(\/.*)?$/.exec(target);
  if (!m) return undefined;
  return m[2] || ROOMS.includes(m[1] as string) ? m[1] : '';
}

/** Reaches into another room's internals, and rooms used against ROOM_USES. */
export function roomViolations(sources: Source[]): string[] {
  const found: string[] = [];
  for (const source of sources) {
    const from = roomOf(source.file);
    for (const target of relativeImports(source)) {
      const to = roomOfTarget(target);
      if (!to || to === from) continue;
      if (target !== `src/privacy/${to}` && target !== `src/privacy/${to}/index`)
        found.push(`${source.file} reaches into ${target}: import privacy/${to} through its door (index.ts)`);
      if (from === '') found.push(`${source.file} (the kernel) uses the room ${to}: the kernel uses no room`);
      else if (from !== undefined && !(ROOM_USES[from] ?? []).includes(to))
        found.push(`${source.file} (room ${from}) uses the room ${to}, not in its list (ROOM_USES)`);
    }
  }
  return found;
}

/** The import circles among the given files (Tarjan's strongly connected components), each as its files. */
export function circles(sources: Source[]): string[][] {
  const known = new Set(sources.map((s) => s.file));
  const edges = new Map<string, string[]>();
  for (const source of sources) {
    const targets = relativeImports(source).flatMap((t) => [`${t}.ts`, `${t}/index.ts`].filter((c) => known.has(c)).slice(0, 1));
    edges.set(source.file, targets);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** Adapters that take `Person` from the store: the domain (src/domain.ts) is where it lives. */
export function personFromStore(sources: Source[]): string[] {
  const found: string[] = [];
  for (const source of sources.filter((s) => s.file.startsWith('adapters/'))) {
    const file = ts.createSourceFile(source.file, source.text, ts.ScriptTarget.Latest);
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const spec = statement.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(source.file), spec.text));
      if (!/^src\/store(\/|$)/.test(target)) continue;
      const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
      const names =
        bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : [];
      if (names.includes('Person')) found.push(`${source.file} imports Person from ${spec.text}: take it from src/domain.ts`);
    }
  }
  return found;
}

function sources(dir: string): Source[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e): Source[] => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [{ file: rel, text: fs.readFileSync(path.join(ROOT, rel), 'utf8') }] : [];
  });
}

describe('layers', () => {
  it('no file of src/ or adapters/ imports a layer above its own, or a platform SDK outside its adapter', () => {
    const all = [...sources('src'), ...sources('adapters')];
    expect(all.length).toBeGreaterThan(50);
    expect(all.every((s) => layerOf(s.file))).toBe(true);
    expect(violations(all)).toEqual([]);
  });

  it('the check catches an upward import in every form, and a platform SDK where it does not belong', () => {
    const upward = [
      { file: 'src/privacy/x.ts', text: "import { ChatRouter } from '../chat/router';" },
      { file: 'src/privacy/x.ts', text: "import type { ChatRouter } from '../chat/router';" },
      { file: 'src/privacy/x.ts', text: "export { parseLine } from '../chat/commands';" },
      { file: 'src/privacy/x.ts', text: "const m = await import('../chat/router');" },
      { file: 'src/privacy/x.ts', text: "const m = require('../chat');" },
      { file: 'src/store/x.ts', text: "import { Actor } from '../privacy/people';" },
      { file: 'src/store/x.ts', text: "import { Actor } from '../privacy/people/people';" },
      { file: 'src/ocean/x.ts', text: "import { Store } from '../store';" },
      { file: 'src/jobs/x.ts', text: "import type { DailyRun } from '../privacy/daily';" },
      { file: 'src/views/x.ts', text: "import { Store } from '../store';" },
      { file: 'src/chat/x.ts', text: "import { mountSlack } from '../../adapters/slack';" },
      { file: 'src/app.ts', text: "import { startService } from '../adapters/service';" },
      { file: 'src/sandbox/x.ts', text: "import { OceanClient } from '../ocean/client';" },
      { file: 'src/privacy/x.ts', text: "import { App } from '@slack/bolt';" },
      { file: 'adapters/slack/x.ts', text: "import { TurnContext } from 'botbuilder';" },
      { file: 'src/chat/x.ts', text: "import express from 'express';" },
    ];
    for (const source of upward) expect([source.text, violations([source])]).toEqual([source.text, [expect.any(String)]]);
    const fine = [
      { file: 'src/chat/x.ts', text: "import { AnswerService } from '../privacy/daily';\nimport { z } from 'zod';" },
      { file: 'src/main.ts', text: "import { startService } from '../adapters/service';" },
      { file: 'adapters/teams/x.ts', text: "import { TurnContext } from 'botbuilder';\nimport { Core } from '../../src/app';" },
    ];
    for (const source of fine) expect(violations([source])).toEqual([]);
  });
});

describe('rooms', () => {
  const all = () => [...sources('src'), ...sources('adapters')];

  it('the rooms in ROOM_USES are the folders of src/privacy/, each with its door', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'src/privacy'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...ROOMS].sort());
    for (const room of ROOMS) expect([room, fs.existsSync(path.join(ROOT, `src/privacy/${room}/index.ts`))]).toEqual([room, true]);
  });

  it('each door says what its room may use, as ROOM_USES does', () => {
    for (const room of ROOMS) {
      const door = fs.readFileSync(path.join(ROOT, `src/privacy/${room}/index.ts`), 'utf8');
      const line = /May use: ([^(.]*)/.exec(door)?.[1] ?? '';
      const said = line.startsWith('nothing')
        ? []
        : line
            .split(',')
            .map((w) => w.trim())
            .filter(Boolean);
      expect([room, said.sort()]).toEqual([room, [...(ROOM_USES[room] ?? [])].sort()]);
    }
  });

  it('no file reaches into another room, and every room uses only the rooms in its list', () => {
    expect(roomViolations(all())).toEqual([]);
  });

  it('src/ and adapters/ have no import circle', () => {
    expect(circles(all())).toEqual([]);
  });

  it('the adapters take Person from the domain, not the store', () => {
    const adapters = sources('adapters');
    expect(adapters.some((s) => /import type \{[^}]*\bPerson\b[^}]*\} from '\.\.\/\.\.\/src\/domain'/.test(s.text))).toBe(true);
    expect(personFromStore(adapters)).toEqual([]);
  });

  it('the checks catch a reach into a room, a room used against its list, a circle, and Person from the store', () => {
    const wrong = [
      { file: 'src/chat/x.ts', text: "import { AnswerService } from '../privacy/daily/answers';" },
      { file: 'adapters/slack/x.ts', text: "import { PeopleService } from '../../src/privacy/people/people';" },
      { file: 'src/privacy/report/x.ts', text: "import { DailyRun } from '../daily/run';\nimport { DailyRun as D } from '../daily';" },
      { file: 'src/privacy/trips/x.ts', text: "import { PeopleService } from '../people';" },
      { file: 'src/privacy/daily/x.ts', text: "const m = await import('../report');" },
      { file: 'src/privacy/ports.ts', text: "import type { Actor } from './people';" },
    ];
    // One violation each: the import is named in the report.
    for (const source of wrong) expect([source.text, roomViolations([source])]).toEqual([source.text, [expect.any(String)]]);
    const fine = [
      { file: 'src/chat/x.ts', text: "import { AnswerService } from '../privacy/daily';\nimport { Scope } from '../privacy/scope/index';" },
      {
        file: 'src/privacy/daily/x.ts',
        text: "import { DailyRun } from './run';\nimport { Trip } from '../trips';\nimport { OceanDirectory } from '../directory';",
      },
      { file: 'src/privacy/report/x.ts', text: "import { DailyRun } from '../daily';\nimport { Store } from '../../store';" },
    ];
    for (const source of fine) expect(roomViolations([source])).toEqual([]);

    const circle = [
      { file: 'src/a.ts', text: "import { b } from './b';" },
      { file: 'src/b.ts', text: "export { c } from './c/index';" },
      { file: 'src/c/index.ts', text: "import type { a } from '../a';" },
      { file: 'src/d.ts', text: "import { a } from './a';" },
      { file: 'src/e.ts', text: "const e = require('./e');" },
    ];
    expect(circles(circle)).toEqual([['src/a.ts', 'src/b.ts', 'src/c/index.ts'], ['src/e.ts']]);
    expect(circles(circle.slice(0, 2))).toEqual([]);

    expect(personFromStore([{ file: 'adapters/slack/x.ts', text: "import type { Person, Store } from '../../src/store';" }])).toEqual([expect.any(String)]);
    expect(personFromStore([{ file: 'adapters/web/x.ts', text: "import type { Person } from '../../src/store/schema';" }])).toEqual([expect.any(String)]);
    expect(
      personFromStore([{ file: 'adapters/web/x.ts', text: "import type { Store } from '../../src/store';\nimport type { Person } from '../../src/domain';" }]),
    ).toEqual([]);
  });
});
