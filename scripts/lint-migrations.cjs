#!/usr/bin/env node
'use strict';
// Migrations are additive only (DESIGN.md, "Migrations"): no DROP TABLE, DROP COLUMN, TRUNCATE, type changes
// or renames. A change that needs one is done as add-new, backfill, switch reads.
//
//   node scripts/lint-migrations.cjs <dir> [<dir> ...]
//
// Scans every .ts/.js/.sql file under the given directories. In a TypeORM migration the bodies of up() and down()
// are checked: migrations roll forward only, so down() refuses to run (it throws) rather than drop what up()
// created. A .sql file is checked whole. Prints one line per
// offence (`file:line: statement — reason`) and exits 1, or exits 0 with a one-line summary. Plain Node,
// no dependencies, so CI can run it before `npm ci` has finished anything else.

const fs = require('node:fs');
const path = require('node:path');

const SCANNED_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.sql']);
const MAX_STATEMENT_LENGTH = 140;

// ---------------------------------------------------------------------------------------------------------
// JavaScript / TypeScript scanning
// ---------------------------------------------------------------------------------------------------------

/** Replaces every character in [from, to) except line breaks with `fill`, so offsets and lines stay put. */
function fillRange(chars, from, to, fill) {
  for (let k = from; k < to; k++) {
    if (chars[k] !== '\n' && chars[k] !== '\r') chars[k] = fill;
  }
}

const REGEX_AFTER_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * Tokenises just enough JavaScript/TypeScript to tell code, comments, strings, template literals and regex
 * literals apart.
 *
 * Returns `code` (the source with comments, string contents and regex bodies blanked: safe for brace counting
 * and for spotting method calls) and `strings` (the content ranges of every string and template literal that is
 * not nested inside a template `${…}` hole, with the holes of template literals).
 */
function scanJs(src) {
  const n = src.length;
  const code = src.split('');
  const strings = [];
  let holeDepth = 0;

  function previousSignificant(i) {
    let k = i - 1;
    while (k >= 0 && /\s/.test(code[k])) k--;
    if (k < 0) return { ch: '', word: '' };
    let w = k;
    while (w >= 0 && /[\w$]/.test(code[w])) w--;
    return { ch: code[k], word: code.slice(w + 1, k + 1).join('') };
  }

  function regexAllowedAt(i) {
    const { ch, word } = previousSignificant(i);
    if (ch === '') return true;
    if (word) return REGEX_AFTER_KEYWORDS.has(word);
    return !/[)\]}'"`]/.test(ch);
  }

  function scanLineComment(i) {
    let end = src.indexOf('\n', i);
    if (end < 0) end = n;
    fillRange(code, i, end, ' ');
    return end;
  }

  function scanBlockComment(i) {
    const close = src.indexOf('*/', i + 2);
    const end = close < 0 ? n : close + 2;
    fillRange(code, i, end, ' ');
    return end;
  }

  function scanQuoted(i, quote) {
    let j = i + 1;
    while (j < n && src[j] !== quote && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
    const end = Math.min(j, n);
    fillRange(code, i + 1, end, ' ');
    if (holeDepth === 0) strings.push({ start: i + 1, end, holes: [] });
    return end + 1;
  }

  function scanTemplate(i) {
    const holes = [];
    const textRanges = [];
    let segmentStart = i + 1;
    let j = i + 1;
    while (j < n && src[j] !== '`') {
      if (src[j] === '\\') {
        j += 2;
      } else if (src[j] === '$' && src[j + 1] === '{') {
        textRanges.push([segmentStart, j]);
        holeDepth++;
        const close = scanCode(j + 2, true);
        holeDepth--;
        holes.push([j, Math.min(close + 1, n)]);
        j = close + 1;
        segmentStart = j;
      } else {
        j++;
      }
    }
    const end = Math.min(j, n);
    textRanges.push([segmentStart, end]);
    for (const [from, to] of textRanges) fillRange(code, from, to, ' ');
    if (holeDepth === 0) strings.push({ start: i + 1, end, holes });
    return end + 1;
  }

  function scanRegex(i) {
    let j = i + 1;
    let inClass = false;
    while (j < n && src[j] !== '\n') {
      const c = src[j];
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      j++;
    }
    fillRange(code, i + 1, Math.min(j, n), ' ');
    return j + 1;
  }

  /** Scans code from i; inside a template hole, stops at (and returns the index of) the hole's closing brace. */
  function scanCode(i, inHole) {
    let braces = 0;
    while (i < n) {
      const c = src[i];
      const next = src[i + 1];
      if (c === '/' && next === '/') i = scanLineComment(i);
      else if (c === '/' && next === '*') i = scanBlockComment(i);
      else if (c === "'" || c === '"') i = scanQuoted(i, c);
      else if (c === '`') i = scanTemplate(i);
      else if (c === '/' && regexAllowedAt(i)) i = scanRegex(i);
      else {
        if (inHole && c === '{') braces++;
        else if (inHole && c === '}') {
          if (braces === 0) return i;
          braces--;
        }
        i++;
      }
    }
    return n;
  }

  scanCode(0, false);
  return { code, strings };
}

/** Index of the bracket that closes the one at `open`, counting only in blanked code. */
function matchingBracket(code, open) {
  const opener = code[open];
  const closer = { '(': ')', '{': '}', '[': ']' }[opener];
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    if (code[k] === opener) depth++;
    else if (code[k] === closer && --depth === 0) return k;
  }
  return -1;
}

/** Body ranges ([start, end) between the braces) of every `up(…) {…}` and `down(…) {…}` method definition. */
function findMigrationBodies(code) {
  const text = code.join('');
  const bodies = [];
  const re = /(?<![\w$.])(?:up|down)\s*\(/g;
  let m;
  while ((m = re.exec(text))) {
    const paramsOpen = m.index + m[0].length - 1;
    const paramsClose = matchingBracket(code, paramsOpen);
    if (paramsClose < 0) continue;
    let k = paramsClose + 1;
    while (k < text.length && /\s/.test(text[k])) k++;
    if (text[k] === ':') {
      // return type annotation, e.g. `: Promise<void>`
      while (k < text.length && text[k] !== '{' && text[k] !== ';') k++;
    }
    if (text[k] !== '{') continue; // a call such as `await up(queryRunner);`, not a definition
    const close = matchingBracket(code, k);
    if (close < 0) continue;
    bodies.push([k + 1, close]);
    re.lastIndex = close;
  }
  return bodies;
}

// ---------------------------------------------------------------------------------------------------------
// SQL scanning
// ---------------------------------------------------------------------------------------------------------

/**
 * Masks SQL in place for keyword matching, over [from, to): comments are blanked (in `match` and `display`),
 * string literal contents are blanked and quoted identifiers become `"___"` (in `match` only), so neither
 * `COMMENT ON COLUMN x IS 'drop-off point'` nor a column called "rename" looks like a statement.
 */
function maskSql(match, display, from, to) {
  let i = from;
  while (i < to) {
    const c = match[i];
    const next = match[i + 1];
    if (c === '-' && next === '-') {
      let end = i;
      while (end < to && match[end] !== '\n') end++;
      fillRange(match, i, end, ' ');
      fillRange(display, i, end, ' ');
      i = end;
    } else if (c === '/' && next === '*') {
      let end = i + 2;
      while (end < to && !(match[end] === '*' && match[end + 1] === '/')) end++;
      end = Math.min(end + 2, to);
      fillRange(match, i, end, ' ');
      fillRange(display, i, end, ' ');
      i = end;
    } else if (c === "'") {
      const backslashEscapes = i > from && /[eE]/.test(match[i - 1]) && !/[\w$]/.test(match[i - 2] ?? '');
      let j = i + 1;
      while (j < to) {
        if (backslashEscapes && match[j] === '\\') j += 2;
        else if (match[j] === "'" && match[j + 1] === "'") j += 2;
        else if (match[j] === "'") break;
        else j++;
      }
      fillRange(match, i + 1, Math.min(j, to), ' ');
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < to) {
        if (match[j] === '"' && match[j + 1] === '"') j += 2;
        else if (match[j] === '"') break;
        else j++;
      }
      fillRange(match, i + 1, Math.min(j, to), '_');
      i = j + 1;
    } else {
      i++;
    }
  }
}

const IDENT = String.raw`(?:"[^"]*"|[\w$]+)`;
const NOT_A_COLUMN = String.raw`(?:TABLE|INDEX|SEQUENCE|VIEW|MATERIALIZED|SCHEMA|TYPE|DOMAIN|FUNCTION|PROCEDURE|DATABASE|ROLE|USER|EXTENSION|TRIGGER|POLICY|DEFAULT|PUBLICATION|SUBSCRIPTION|SYSTEM|AGGREGATE|COLLATION|CONVERSION|EVENT|FOREIGN|GROUP|LANGUAGE|LARGE|OPERATOR|ROUTINE|RULE|SERVER|STATISTICS|TABLESPACE|TEXT)\b`;
const DROP_NOT_A_COLUMN = String.raw`(?:COLUMN|CONSTRAINT|DEFAULT|NOT|IDENTITY|EXPRESSION|TABLE|INDEX|SCHEMA|VIEW|MATERIALIZED|SEQUENCE|TYPE|FUNCTION|TRIGGER|POLICY|EXTENSION|DATABASE)\b`;

/** Each rule gets one statement (masked SQL text) and returns the offsets of its offences in it. */
const SQL_RULES = [
  { re: /\bDROP\s+TABLE\b/gi, reason: 'DROP TABLE destroys the table and its data' },
  { re: /\bDROP\s+COLUMN\b/gi, reason: 'DROP COLUMN destroys the column and its data' },
  {
    // `ALTER TABLE t DROP c`: the COLUMN keyword is optional in PostgreSQL
    re: new RegExp(String.raw`\bDROP\s+(?!${DROP_NOT_A_COLUMN})(?:IF\s+EXISTS\s+)?${IDENT}`, 'gi'),
    when: /\bALTER\s+TABLE\b/i,
    reason: 'ALTER TABLE … DROP <column> destroys the column and its data',
  },
  { re: /\bDROP\s+SCHEMA\b/gi, reason: 'DROP SCHEMA destroys every object in the schema' },
  { re: /\bDROP\s+DATABASE\b/gi, reason: 'DROP DATABASE destroys the database' },
  {
    // not `BEFORE TRUNCATE ON t` (trigger events) nor `REVOKE TRUNCATE ON t` (privileges)
    re: /(?<!\b(?:BEFORE|AFTER|OR)\s+)\bTRUNCATE\b(?!\s*(?:,|ON\b|OR\b))/gi,
    reason: 'TRUNCATE deletes every row',
  },
  {
    re: new RegExp(
      String.raw`\bALTER\s+(?:COLUMN\s+${IDENT}|(?!${NOT_A_COLUMN})${IDENT})\s+(?:SET\s+DATA\s+)?TYPE\b`,
      'gi',
    ),
    reason: 'ALTER COLUMN … TYPE changes a column type (may narrow or rewrite data, breaks running code)',
  },
  { re: /\bRENAME\b/gi, reason: 'RENAME breaks code still using the old name' },
  {
    re: /\bDELETE\s+FROM\b/gi,
    unless: (statement, index) => /\bWHERE\b/i.test(statement.slice(index)),
    reason: 'DELETE FROM without WHERE deletes every row',
  },
];

const QUERY_RUNNER_CALLS = {
  dropTable: 'queryRunner.dropTable() destroys a table and its data',
  dropColumn: 'queryRunner.dropColumn() destroys a column and its data',
  dropColumns: 'queryRunner.dropColumns() destroys columns and their data',
  renameTable: 'queryRunner.renameTable() breaks code still using the old name',
  renameColumn: 'queryRunner.renameColumn() breaks code still using the old name',
  changeColumn: 'queryRunner.changeColumn() can change a column type or name',
  changeColumns: 'queryRunner.changeColumns() can change column types or names',
  clearTable: 'queryRunner.clearTable() deletes every row',
  dropSchema: 'queryRunner.dropSchema() destroys every object in the schema',
  dropDatabase: 'queryRunner.dropDatabase() destroys the database',
  clearDatabase: 'queryRunner.clearDatabase() destroys every table',
};
const QUERY_RUNNER_CALL_RE = new RegExp(
  String.raw`\.\s*(${Object.keys(QUERY_RUNNER_CALLS).join('|')})\s*\(`,
  'g',
);

// ---------------------------------------------------------------------------------------------------------
// Reporting helpers
// ---------------------------------------------------------------------------------------------------------

function lineStarts(src) {
  const starts = [0];
  for (let k = 0; k < src.length; k++) if (src[k] === '\n') starts.push(k + 1);
  return starts;
}

function lineOf(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function oneLine(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_STATEMENT_LENGTH ? `${flat.slice(0, MAX_STATEMENT_LENGTH - 1)}…` : flat;
}

/** Checks the SQL in `match`/`display` over the given runs ([from, to) ranges that form one SQL text each). */
function checkSql(match, display, runs, report) {
  for (const [from, to] of runs) {
    maskSql(match, display, from, to);
    let stmtStart = from;
    for (let k = from; k <= to; k++) {
      if (k < to && match[k] !== ';') continue;
      const statement = match.slice(stmtStart, k).join('');
      if (statement.trim()) {
        const shown = oneLine(display.slice(stmtStart, k).join(''));
        for (const rule of SQL_RULES) {
          if (rule.when && !rule.when.test(statement)) continue;
          rule.re.lastIndex = 0;
          let m;
          while ((m = rule.re.exec(statement))) {
            if (rule.unless && rule.unless(statement, m.index + m[0].length)) continue;
            report(stmtStart + m.index, shown, rule.reason);
          }
        }
      }
      stmtStart = k + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

/**
 * Finds destructive statements in one migration file.
 * @param {string} source the file's text
 * @param {string} fileName used to pick the mode (`.sql`: whole file; otherwise the bodies of `up()` and `down()`) and to report
 * @returns {{ file: string, line: number, statement: string, reason: string }[]} sorted by line
 */
function findDestructiveStatements(source, fileName) {
  const starts = lineStarts(source);
  const offences = [];
  const seen = new Set();
  const report = (offset, statement, reason) => {
    const line = lineOf(starts, offset);
    const key = `${line}\u0000${statement}\u0000${reason}`;
    if (seen.has(key)) return;
    seen.add(key);
    offences.push({ file: fileName, line, statement, reason });
  };

  if (path.extname(fileName).toLowerCase() === '.sql') {
    checkSql(source.split(''), source.split(''), [[0, source.length]], report);
    return offences;
  }

  const { code, strings } = scanJs(source);
  const bodies = findMigrationBodies(code);
  // A module without up() or down() (a helper holding SQL, say) is checked whole.
  const scopes = bodies.length ? bodies : [[0, source.length]];
  const inScope = (from, to) => scopes.some(([s, e]) => from >= s && to <= e);

  // SQL inside string and template literals. Literals joined by `+` form one SQL text.
  const match = source.split('').map((c) => (c === '\n' || c === '\r' ? c : ' '));
  const display = match.slice();
  const runs = [];
  let run = null;
  for (const literal of strings) {
    if (!inScope(literal.start, literal.end)) continue;
    for (let k = literal.start; k < literal.end; k++) {
      match[k] = source[k];
      display[k] = source[k];
    }
    for (const [holeStart, holeEnd] of literal.holes) fillRange(match, holeStart, holeEnd, '_');
    const between = run ? code.slice(run[1] + 1, literal.start - 1).join('') : '';
    if (run && /^\s*\+\s*$/.test(between)) {
      run[1] = literal.end;
    } else {
      run = [literal.start, literal.end];
      runs.push(run);
    }
  }
  checkSql(match, display, runs, report);

  // Destructive QueryRunner API calls.
  const codeText = code.join('');
  for (const [from, to] of scopes) {
    const body = codeText.slice(from, to);
    QUERY_RUNNER_CALL_RE.lastIndex = 0;
    let m;
    while ((m = QUERY_RUNNER_CALL_RE.exec(body))) {
      const dot = from + m.index;
      const receiver = /[\w$]+(?:\s*\??\.\s*[\w$]+)*\s*\??$/.exec(
        codeText.slice(Math.max(from, dot - 200), dot),
      );
      const exprStart = receiver ? dot - receiver[0].length : dot;
      const open = dot + m[0].length - 1;
      const close = matchingBracket(code, open);
      const exprEnd = close < 0 ? open + 1 : close + 1;
      report(dot, oneLine(source.slice(exprStart, exprEnd)), QUERY_RUNNER_CALLS[m[1]]);
    }
  }

  return offences.sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------

function listFiles(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) files.push(...listFiles(full));
    } else if (
      SCANNED_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) &&
      !/\.d\.[cm]?ts$/.test(entry.name)
    ) {
      files.push(full);
    }
  }
  return files.sort();
}

function main(args) {
  const dirs = args.length ? args : ['migrations'];
  const files = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      console.error(`lint:migrations: ${dir} is not a directory`);
      return 2;
    }
    files.push(...listFiles(dir));
  }

  const offences = [];
  for (const file of files) {
    const shownName = path.relative(process.cwd(), file).split(path.sep).join('/');
    offences.push(...findDestructiveStatements(fs.readFileSync(file, 'utf8'), shownName));
  }

  const checked = `${files.length} file${files.length === 1 ? '' : 's'} checked`;
  if (offences.length === 0) {
    console.log(`lint:migrations: ${checked}, no destructive statements`);
    return 0;
  }
  for (const o of offences) console.error(`${o.file}:${o.line}: ${o.statement} — ${o.reason}`);
  const offending = new Set(offences.map((o) => o.file)).size;
  console.error(
    `lint:migrations: ${checked}, ${offences.length} destructive statement${offences.length === 1 ? '' : 's'} in ${offending} file${offending === 1 ? '' : 's'}. ` +
      'Migrations are additive only: add the new table or column, backfill, switch reads (DESIGN.md, Migrations).',
  );
  return 1;
}

module.exports = { findDestructiveStatements, main };

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
