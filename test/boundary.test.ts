import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * The layers of the design, checked on every import of every source file, in every form
 * (`import … from`, `export … from`, `import()`, `require()`), with TypeScript's own reader.
 * Data flows downward: a file may import its own layer and the layers below, never above.
 */

const ROOT = path.resolve(__dirname, '..');

/** Each module of src/ and its layer; adapters sit above them all. */
const LAYERS: { layer: number; name: string; match: RegExp }[] = [
  { layer: 0, name: 'base', match: /^src\/(domain|clock|log|logger|metrics)\.ts$|^src\/(i18n|views)\// },
  { layer: 1, name: 'ocean', match: /^src\/ocean\// },
  { layer: 1, name: 'graph', match: /^src\/graph\// },
  { layer: 1, name: 'store', match: /^src\/store\// },
  { layer: 1, name: 'jobs', match: /^src\/jobs\// },
  { layer: 1, name: 'sandbox', match: /^src\/sandbox\// },
  { layer: 1, name: 'config', match: /^src\/config\.ts$/ },
  { layer: 2, name: 'privacy', match: /^src\/privacy\// },
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
      { file: 'src/ocean/x.ts', text: "import { Store } from '../store';" },
      { file: 'src/jobs/x.ts', text: "import type { DailyRun } from '../privacy/daily-run';" },
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
      { file: 'src/chat/x.ts', text: "import { AnswerService } from '../privacy/answers';\nimport { z } from 'zod';" },
      { file: 'src/main.ts', text: "import { startService } from '../adapters/service';" },
      { file: 'adapters/teams/x.ts', text: "import { TurnContext } from 'botbuilder';\nimport { Core } from '../../src/app';" },
    ];
    for (const source of fine) expect(violations([source])).toEqual([]);
  });
});
