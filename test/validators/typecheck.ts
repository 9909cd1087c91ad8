import path from 'node:path';
import ts from 'typescript';

/*
 * Type-checks JSON that the service really sent against the platforms' published TypeScript
 * types (@slack/types, @slack/web-api, botframework-schema, @microsoft/teams.cards), with the
 * TypeScript compiler: each value becomes `const vN: Type = <json>;` in one virtual file, so
 * excess properties, wrong literals and missing fields are reported as tsc would.
 */

const ROOT = path.resolve(__dirname, '../..');
const VIRTUAL = path.join(ROOT, 'test/validators/__recorded__.ts');

export interface TypedValue {
  /** Where the value came from, for the failure message (e.g. "chat.postMessage #3 blocks"). */
  label: string;
  /** A type expression over the imports, e.g. `KnownBlock[]`. */
  type: string;
  value: unknown;
}

/** One line per type error, naming the value it is in; an empty list is a pass. */
export function typeErrors(imports: string[], values: TypedValue[]): string[] {
  const lines = [...imports, ''];
  const owners: { line: number; label: string }[] = [];
  values.forEach((v, i) => {
    owners.push({ line: lines.length, label: v.label });
    lines.push(...`export const v${i}: ${v.type} = ${JSON.stringify(v.value, null, 1)};`.split('\n'));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) =>
    path.resolve(name) === VIRTUAL ? ts.createSourceFile(name, source, version, true) : getSourceFile(name, version, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === VIRTUAL || fileExists(name);
  const program = ts.createProgram([VIRTUAL], options, host);
  const file = program.getSourceFile(VIRTUAL);
  return ts.getPreEmitDiagnostics(program, file).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const owner = [...owners].reverse().find((o) => o.line <= line);
    return `${owner?.label ?? 'imports'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').slice(0, 3).join(' / ')}`;
  });
}
