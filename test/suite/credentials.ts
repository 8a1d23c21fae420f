import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Knex } from 'knex';
import type { AdapterName } from '../../adapters/registry';
import { newRunId } from '../../matrix/namespace';
import { urlVariable } from '../../servers/resolve';
import { directKnex, smallScale } from '../support/cells';
import { runCli } from '../support/cli';

type ServerAdapter = Exclude<AdapterName, 'sqlite'>;

/** A login of the test's own with a password, able to create tables in the suite's database; and how to remove it. */
const LOGIN: Record<
  ServerAdapter,
  { create: (knex: Knex, user: string, password: string, database: string) => Promise<void>; drop: (knex: Knex, user: string) => Promise<void> }
> = {
  postgres: {
    create: async (knex, user, password) => {
      // knex reads '?' as a placeholder: escaped, it reaches the server as itself.
      await knex.raw(`CREATE ROLE ?? LOGIN PASSWORD '${password.replace(/'/g, "''").replace(/\?/g, '\\?')}'`, [user]);
      // Since PostgreSQL 15 only the owner may create in public.
      await knex.raw('GRANT USAGE, CREATE ON SCHEMA public TO ??', [user]);
    },
    drop: async (knex, user) => {
      // Whatever the role still owns here was made by this test's runs.
      await knex.raw('DROP OWNED BY ??', [user]);
      await knex.raw('DROP ROLE ??', [user]);
    },
  },
  mysql: {
    create: async (knex, user, password, database) => {
      await knex.raw(`CREATE USER ??@'%' IDENTIFIED BY ?`, [user, password]);
      await knex.raw(`GRANT ALL ON ??.* TO ??@'%'`, [database, user]);
    },
    drop: async (knex, user) => {
      await knex.raw(`DROP USER ??@'%'`, [user]);
    },
  },
};

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** What one way of handing dbmatrix a password is, and whether the run can connect with it. */
interface PasswordForm {
  /** How the password is given. */
  name: string;
  /** Extra command-line arguments. */
  args: string[];
  /** Extra environment. */
  env: NodeJS.ProcessEnv;
  /** Exit code expected from `dbmatrix run`. */
  code: number;
}

/**
 * Runs as a password-protected login of its own, the password given every way a user can, and searches every stream and
 * every file the runs and their reports wrote for the password in any spelling.
 */
export function describeCredentials(adapter: ServerAdapter): void {
  test(`${adapter}: a login's password appears in no stream and no file a run and its reports wrote, however it was given`, async () => {
    const admin = directKnex(adapter);
    const suiteUrl = new URL(process.env[urlVariable(adapter)]!);
    const database = decodeURIComponent(suiteUrl.pathname.replace(/^\//, ''));
    const user = `dbm_cred_${newRunId()}`;
    const secret = randomBytes(6).toString('hex');
    // '/', '@', ':' and '?' are where URL redaction goes wrong.
    const password = `Pw/${secret}@x:y?z`;
    const at = `${suiteUrl.protocol}//${user}`;
    const where = `${suiteUrl.host}${suiteUrl.pathname}`;
    const forms: PasswordForm[] = [
      { name: 'url-encoded in the user info', args: [`--${adapter}-url`, `${at}:${encodeURIComponent(password)}@${where}`], env: {}, code: 0 },
      { name: '?password= in the environment', args: [], env: { [urlVariable(adapter)]: `${at}@${where}?password=${encodeURIComponent(password)}` }, code: 0 },
      // Unencoded, '/' ends the host part: the URL names a port that is not a number, and the run stops at once.
      { name: 'unencoded in the user info', args: [`--${adapter}-url`, `${at}:${password}@${where}`], env: {}, code: 2 },
    ];
    if (adapter === 'postgres') forms.push({ name: 'PGPASSWORD', args: [], env: { [urlVariable(adapter)]: `${at}@${where}`, PGPASSWORD: password }, code: 0 });

    const work = mkdtempSync(join(tmpdir(), 'dbmatrix-credentials-'));
    const streams: { name: string; text: string }[] = [];
    try {
      await LOGIN[adapter].create(admin, user, password, database);
      for (const [i, form] of forms.entries()) {
        const out = join(work, `form-${i + 1}`);
        const env: NodeJS.ProcessEnv = { ...process.env, ...form.env };
        if (!(urlVariable(adapter) in form.env)) delete env[urlVariable(adapter)];
        const run = await runCli(
          ['run', '-a', adapter, '-w', 'insert-sequential', '--ops', '40', '-o', out, ...smallScale(adapter).flatMap((s) => ['--set', s]), ...form.args],
          env,
        );
        streams.push({ name: `${form.name}: run stdout`, text: run.stdout }, { name: `${form.name}: run stderr`, text: run.stderr });
        expect({ form: form.name, code: run.code, stderr: run.code === form.code ? '' : run.stderr }).toEqual({ form: form.name, code: form.code, stderr: '' });
        if (form.code !== 0) continue;
        const report = await runCli(
          ['report', join(out, 'results.json'), '--markdown', join(out, 'report.md'), '--html', join(out, 'report.html'), '--bench-json', join(out, 'bench')],
          env,
        );
        streams.push({ name: `${form.name}: report stdout`, text: report.stdout }, { name: `${form.name}: report stderr`, text: report.stderr });
        expect(report.code).toBe(0);
      }

      const files = filesUnder(work);
      const written = files.map((f) => relative(work, f)).sort();
      const perRun = ['results.json', 'report.md', 'report.html', 'bench/bigger-is-better.json', 'bench/smaller-is-better.json'];
      const connected = forms.flatMap((f, i) => (f.code === 0 ? perRun.map((p) => `form-${i + 1}/${p}`) : []));
      expect(written).toEqual(expect.arrayContaining(connected));
      process.stdout.write(`${adapter} credentials: searched ${streams.length} streams and ${written.length} files: ${written.join(', ')}\n`);

      const spellings = [password, encodeURIComponent(password), secret];
      const found = [...streams, ...files.map((f) => ({ name: relative(work, f), text: readFileSync(f, 'latin1') }))].flatMap((s) =>
        spellings.filter((p) => s.text.includes(p)).map(() => s.name),
      );
      expect(found).toEqual([]);
    } finally {
      await LOGIN[adapter].drop(admin, user).catch(() => undefined);
      await admin.destroy();
      rmSync(work, { recursive: true, force: true });
    }
  });
}
