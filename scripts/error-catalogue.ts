import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The error code reference (docs/errors.md), generated from the source: every class that extends `DomainError`
 * (its stable `code`, its `kind` and so its HTTP status, and its doc comment), and the platform codes of
 * `ErrorCode` that the exception filter answers without a domain error. `npm run docs:errors` writes the file;
 * `scripts/error-catalogue.spec.ts` fails when the file and the source have drifted apart.
 */

/** The HTTP status of each kind (libs/shared/src/http/http-exception.filter.ts maps them the same way). */
const STATUS_OF_KIND: Record<string, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** What the platform answers on its own (validation, parsing, routing, throttling, outages). */
const PLATFORM_CODES: Record<string, { status: number; meaning: string }> = {
  VALIDATION_FAILED: {
    status: 400,
    meaning: 'The request breaks a rule about its own content (details name the field).',
  },
  MALFORMED_JSON: { status: 400, meaning: 'The request body is not valid JSON.' },
  MALFORMED_REQUEST: { status: 400, meaning: 'The request is not valid HTTP.' },
  UNAUTHORIZED: { status: 401, meaning: 'No valid access token (missing, malformed, expired or revoked).' },
  FORBIDDEN: { status: 403, meaning: 'The caller may not do this (a role is missing).' },
  NOT_FOUND: { status: 404, meaning: 'No such route, or no such resource of the caller’s.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    meaning: 'The path exists, but not with this method (`Allow` lists those it has).',
  },
  REQUEST_TIMEOUT: { status: 408, meaning: 'The request was not received in time.' },
  CONFLICT: { status: 409, meaning: 'The request clashes with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The body is not `application/json` (or the type the route takes).',
  },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests; `Retry-After` says when to try again.' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, meaning: 'The URL or the headers of the request are too large.' },
  INTERNAL_ERROR: {
    status: 500,
    meaning: 'A bug on our side: logged with the request id, answered without internals.',
  },
  SERVICE_UNAVAILABLE: { status: 503, meaning: 'A component (database, Redis) is down; retry shortly.' },
};

export interface ErrorEntry {
  code: string;
  status: number;
  meaning: string;
  /** `Class (libs/<context>/…)` of each domain error that answers this code. */
  sources: string[];
}

interface ClassInfo {
  name: string;
  file: string;
  base: string | undefined;
  codes: string[];
  kind: string | undefined;
  doc: string;
  isAbstract: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'testing' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path) ? [path] : [];
  });
}

/** The string literals a `code`/`kind` member can be: `= 'X'`, `= ErrorCode.X`, or a union type of literals. */
function literalValues(member: ts.PropertyDeclaration | ts.ParameterDeclaration): string[] {
  const init = member.initializer;
  if (init && ts.isStringLiteral(init)) return [init.text];
  if (init && ts.isPropertyAccessExpression(init) && init.expression.getText() === 'ErrorCode') {
    return [init.name.text];
  }
  const type = member.type;
  if (type && ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (type && ts.isUnionTypeNode(type)) {
    return type.types.flatMap((t) =>
      ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : [],
    );
  }
  return [];
}

function docOf(node: ts.Node, source: ts.SourceFile): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const jsdoc = ranges.map((r) => source.text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**'));
  const last = jsdoc.at(-1);
  if (!last) return '';
  return last
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\{@link ([^}]+)\}/g, '`$1`');
}

function classesIn(path: string, root: string): ClassInfo[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: ClassInfo[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
      const base = heritage?.types[0]?.expression.getText(source);
      let codes: string[] = [];
      let kind: string | undefined;
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) {
          if (member.name.text === 'code') codes = literalValues(member);
          if (member.name.text === 'kind') kind = literalValues(member)[0];
        }
        if (ts.isConstructorDeclaration(member)) {
          for (const parameter of member.parameters) {
            if (ts.isIdentifier(parameter.name) && parameter.name.text === 'code')
              codes = literalValues(parameter);
          }
        }
      }
      found.push({
        name: node.name.text,
        file: relative(root, path),
        base,
        codes,
        kind,
        doc: docOf(node, source),
        isAbstract: node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword) ?? false,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every error code the API can answer, from the source under `root` (the repository). */
export function errorCatalogue(root: string): ErrorEntry[] {
  const classes = ['libs', 'apps']
    .flatMap((dir) => sourceFiles(join(root, dir)))
    .flatMap((f) => classesIn(f, root));
  const byName = new Map(classes.map((c) => [c.name, c]));
  const isDomainError = (c: ClassInfo, seen = new Set<string>()): boolean => {
    if (c.base === 'DomainError') return true;
    const base = c.base ? byName.get(c.base) : undefined;
    if (!base || seen.has(base.name)) return false;
    seen.add(base.name);
    return isDomainError(base, seen);
  };
  /** A member a subclass does not declare comes from its base class. */
  const inherited = <T>(c: ClassInfo, pick: (c: ClassInfo) => T | undefined): T | undefined => {
    for (let at: ClassInfo | undefined = c; at; at = at.base ? byName.get(at.base) : undefined) {
      const value = pick(at);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const entries = new Map<string, ErrorEntry>();
  for (const [code, { status, meaning }] of Object.entries(PLATFORM_CODES)) {
    entries.set(code, { code, status, meaning, sources: [] });
  }
  for (const c of classes.filter((c) => !c.isAbstract && isDomainError(c))) {
    const codes = inherited(c, (at) => (at.codes.length > 0 ? at.codes : undefined)) ?? [];
    const kind = inherited(c, (at) => at.kind);
    if (codes.length === 0 || !kind) {
      throw new Error(`${c.name} (${c.file}): a domain error needs a literal code and kind`);
    }
    for (const code of codes) {
      const status = STATUS_OF_KIND[kind];
      const entry = entries.get(code) ?? { code, status, meaning: '', sources: [] };
      if (entry.status !== status && !PLATFORM_CODES[code]) {
        throw new Error(`${code} answers ${entry.status} and ${status} (${c.name}): one code, one status`);
      }
      if (!entry.meaning) entry.meaning = c.doc;
      entry.sources.push(`${c.name} (${c.file})`);
      entries.set(code, entry);
    }
  }
  return [...entries.values()].sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}

export function renderErrorCatalogue(entries: readonly ErrorEntry[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Error codes',
    '',
    'Every error answer has the same envelope:',
    '',
    '```json',
    '{ "success": false, "error": { "code": "INSUFFICIENT_FUNDS", "message": "…", "details": { … }, "requestId": "…" } }',
    '```',
    '',
    '`code` is stable: clients branch on it, never on `message`. `details`, when present, says which field or limit',
    'is involved (amounts as decimal strings, never internal ids). This file is generated from the domain error',
    'classes (`npm run docs:errors`); a test fails when it and the source drift apart.',
    '',
    '| Code | HTTP | Meaning | Raised by |',
    '|---|---|---|---|',
    ...entries.map(
      (e) =>
        `| \`${e.code}\` | ${e.status} | ${cell(e.meaning || '—')} | ${e.sources.length ? cell(e.sources.join('; ')) : 'the platform'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  const path = join(root, 'docs', 'errors.md');
  writeFileSync(path, renderErrorCatalogue(errorCatalogue(root)));
  console.log(`docs:errors: wrote ${relative(root, path)}`);
}
