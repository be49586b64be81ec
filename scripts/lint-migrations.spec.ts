import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface Offence {
  file: string;
  line: number;
  statement: string;
  reason: string;
}
interface LintMigrations {
  findDestructiveStatements(source: string, fileName: string): Offence[];
}

const script = join(__dirname, 'lint-migrations.cjs');
const { findDestructiveStatements } = createRequire(__filename)(script) as LintMigrations;
const badDir = join(__dirname, 'fixtures', 'migrations-bad');
const goodDir = join(__dirname, 'fixtures', 'migrations-good');

function lintFixture(dir: string, name: string): Offence[] {
  return findDestructiveStatements(readFileSync(join(dir, name), 'utf8'), name);
}

function runCli(...dirs: string[]) {
  const result = spawnSync(process.execPath, [script, ...dirs], {
    encoding: 'utf8',
    cwd: join(__dirname, '..'),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('findDestructiveStatements on the bad fixtures', () => {
  it('flags DROP COLUMN in a template literal split over lines, on the line of the DROP', () => {
    const offences = lintFixture(badDir, '1700000000001-DropLegacyBalance.ts');

    expect(offences).toEqual([
      expect.objectContaining({
        file: '1700000000001-DropLegacyBalance.ts',
        line: 11,
        statement: 'ALTER TABLE "${table}" DROP COLUMN "legacy_balance"',
        reason: expect.stringContaining('DROP COLUMN'),
      }),
    ]);
  });

  it('flags queryRunner.dropTable() in up() and the DROP TABLE in down() (rollbacks are refused, not written)', () => {
    const offences = lintFixture(badDir, '1700000000002-DropSessions.ts');

    expect(offences).toEqual([
      expect.objectContaining({ line: 9, statement: "queryRunner.dropTable('sessions', true)" }),
      expect.objectContaining({ line: 14, statement: 'DROP TABLE "user_sessions"' }),
    ]);
  });

  it('flags TRUNCATE in a .sql file, case-insensitively and across lines', () => {
    const offences = lintFixture(badDir, '1700000000003-truncate-outbox.sql');

    expect(offences).toEqual([
      expect.objectContaining({
        line: 4,
        statement: 'truncate table outbox',
        reason: expect.stringContaining('TRUNCATE'),
      }),
    ]);
  });

  it('flags ALTER COLUMN … TYPE', () => {
    const offences = lintFixture(badDir, '1700000000004-NarrowFeeAmount.ts');

    expect(offences).toEqual([
      expect.objectContaining({ line: 8, statement: 'ALTER TABLE fees ALTER COLUMN amount TYPE bigint' }),
    ]);
  });

  it('flags RENAME in strings joined with +', () => {
    const offences = lintFixture(badDir, '1700000000005-RenameContacts.ts');

    expect(offences).toEqual([
      expect.objectContaining({ line: 8, reason: expect.stringContaining('RENAME') }),
    ]);
    expect(offences[0].statement).toContain('RENAME TO "transfer_contacts"');
  });
});

describe('findDestructiveStatements on the good fixtures', () => {
  it.each(readdirSync(goodDir))('finds nothing in %s', (name) => {
    expect(lintFixture(goodDir, name)).toEqual([]);
  });
});

describe('findDestructiveStatements rules', () => {
  const sql = (text: string) => findDestructiveStatements(text, 'inline.sql').map((o) => o.statement);
  const upBody = (body: string) =>
    findDestructiveStatements(
      `export class M { async up(q: any) {\n${body}\n}\n async down() { throw new Error('forward only'); } }`,
      'inline.ts',
    ).map((o) => o.statement);

  it.each([
    'DROP TABLE IF EXISTS t',
    'drop schema audit cascade',
    'ALTER TABLE t DROP c',
    'ALTER TABLE t DROP IF EXISTS "c", ADD COLUMN d int',
    'ALTER TABLE t ALTER COLUMN c SET DATA TYPE int',
    'ALTER TABLE t ALTER "c" TYPE int',
    'ALTER TABLE t RENAME COLUMN a TO b',
    "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
    'TRUNCATE ONLY t',
    'DELETE FROM sessions',
  ])('flags %s', (statement) => {
    expect(sql(`${statement};`)).toEqual([statement]);
  });

  it.each([
    'DROP INDEX "t_idx"',
    'ALTER TABLE t DROP CONSTRAINT t_fk',
    'ALTER TABLE t ALTER COLUMN c DROP NOT NULL',
    'ALTER TABLE t ALTER COLUMN c DROP DEFAULT',
    'ALTER TABLE t ADD COLUMN "type" text, ADD COLUMN "drop" text',
    "ALTER TYPE mood ADD VALUE 'rename'",
    'DELETE FROM sessions WHERE expires_at < now()',
    'REVOKE TRUNCATE, DELETE ON ledger_entries FROM PUBLIC',
    'CREATE TRIGGER no_truncate BEFORE TRUNCATE ON ledger_entries EXECUTE FUNCTION deny()',
    "COMMENT ON COLUMN t.c IS 'DROP TABLE t; TRUNCATE t'",
    '-- DROP TABLE t',
  ])('does not flag %s', (statement) => {
    expect(sql(`${statement};`)).toEqual([]);
  });

  it('flags each destructive QueryRunner call in up()', () => {
    const calls = [
      'dropColumn',
      'dropColumns',
      'renameTable',
      'renameColumn',
      'changeColumn',
      'clearTable',
      'dropSchema',
    ];

    expect(upBody(calls.map((c) => `await q.${c}('t', 'c');`).join('\n'))).toEqual(
      calls.map((c) => `q.${c}('t', 'c')`),
    );
  });

  it('does not mistake braces in strings, templates and regexes for the end of up()', () => {
    const body = [
      "const open = '{';",
      'const re = /[}`]/;',
      'const nested = `${open === "}" ? `}` : "{"}`;',
      "await q.query('DROP TABLE late');",
    ].join('\n');

    expect(upBody(body)).toEqual(['DROP TABLE late']);
  });

  it('checks a module without up() whole', () => {
    expect(findDestructiveStatements("export const sql = 'TRUNCATE t';", 'helper.ts')).toHaveLength(1);
  });
});

describe('lint-migrations CLI', () => {
  it('exits 1 with one file:line: statement — reason line per offence', () => {
    const { status, stdout, stderr } = runCli('scripts/fixtures/migrations-bad');

    expect(status).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(
        /^scripts\/fixtures\/migrations-bad\/1700000000001-DropLegacyBalance\.ts:11: .+ — /,
      ),
      expect.stringMatching(/^scripts\/fixtures\/migrations-bad\/1700000000002-DropSessions\.ts:9: .+ — /),
      expect.stringMatching(/^scripts\/fixtures\/migrations-bad\/1700000000002-DropSessions\.ts:14: .+ — /),
      expect.stringMatching(
        /^scripts\/fixtures\/migrations-bad\/1700000000003-truncate-outbox\.sql:4: .+ — /,
      ),
      expect.stringMatching(/^scripts\/fixtures\/migrations-bad\/1700000000004-NarrowFeeAmount\.ts:8: .+ — /),
      expect.stringMatching(/^scripts\/fixtures\/migrations-bad\/1700000000005-RenameContacts\.ts:8: .+ — /),
    ]);
    expect(lines.at(-1)).toMatch(/^lint:migrations: 5 files checked, 6 destructive statements in 5 files\./);
  });

  it('exits 0 and says so when nothing is destructive', () => {
    const { status, stdout } = runCli('scripts/fixtures/migrations-good');

    expect(status).toBe(0);
    expect(stdout.trim()).toBe('lint:migrations: 4 files checked, no destructive statements');
  });

  it('exits 2 when the directory does not exist', () => {
    const { status, stderr } = runCli('scripts/fixtures/no-such-dir');

    expect(status).toBe(2);
    expect(stderr).toContain('is not a directory');
  });
});
