import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

// The built tool, as `npm` links it: dist/test/ sits beside dist/src/.
const CLI = fileURLToPath(new URL('../src/cli/club-tool.js', import.meta.url));
const DAY_MS = 24 * 60 * 60 * 1000;
const KEY = /^ct_live_[0-9A-Za-z]{32}$/;

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface ClubJson {
  id: number;
  name: string;
  slug: string;
  plan: string;
  plan_expires_at: string | null;
  demo: boolean;
}

interface KeyJson {
  id: number;
  label: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

interface IssuedKeyJson {
  id: number;
  key: string;
  prefix: string;
  label: string;
  scopes: string[];
}

interface ErrorJson {
  code: string;
  message: string;
  errors?: { field: string; message: string }[];
}

void describe('club-tool, the command-line tool', () => {
  let database: TestDatabase;
  let slugs = 0;

  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  // Only the variables given here reach the tool, so it can never find another database.
  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      const env = { ...database.env, SQLITE_SYNCHRONOUS: 'NORMAL' };
      execFile(
        process.execPath,
        [CLI, ...args],
        { env, timeout: 30_000 },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ status, stdout, stderr });
        },
      );
    });

  /** Runs a command with --json that must succeed, and answers its one JSON object. */
  const ok = async <T>(...args: string[]): Promise<T> => {
    const run = await cli('--json', ...args);
    assert.equal(run.status, 0, `club-tool ${args.join(' ')} failed: ${run.stderr}${run.stdout}`);

    return JSON.parse(run.stdout) as T;
  };

  /** Runs a command with --json that must fail with `status`, and answers its error object. */
  const refused = async (status: number, ...args: string[]): Promise<ErrorJson> => {
    const run = await cli('--json', ...args);
    assert.equal(run.status, status, `club-tool ${args.join(' ')}: ${run.stderr}${run.stdout}`);

    return (JSON.parse(run.stdout) as { error: ErrorJson }).error;
  };

  const sql = <T>(query: string, ...parameters: unknown[]): Promise<T[]> =>
    database.query<T>(query, parameters);

  const newSlug = () => `cli-club-${++slugs}`;
  const newClub = (slug = newSlug()) =>
    ok<ClubJson>('clubs', 'create', '--name', `Club ${slug}`, '--slug', slug);
  const newKey = (
    slug: string,
    scopes = 'members:read,groups:read',
    label = 'Ledenadministratie',
  ) => ok<IssuedKeyJson>('keys', 'create', '--club', slug, '--label', label, '--scopes', scopes);
  const clubList = async () => (await ok<{ data: ClubJson[] }>('clubs', 'list')).data;
  const keyList = async (slug: string) =>
    (await ok<{ data: KeyJson[] }>('keys', 'list', '--club', slug)).data;

  void describe('clubs', () => {
    void it('creates a club on plan pro unless another plan is given', async () => {
      const pro = await ok<ClubJson>(
        'clubs',
        'create',
        '--name',
        'HV Zeeburg',
        '--slug',
        'zeeburg',
      );
      const basic = await ok<ClubJson>(
        'clubs',
        'create',
        '--name',
        'KV Oost',
        '--slug',
        'kv-oost',
        '--plan',
        'basic',
      );

      assert.ok(Number.isInteger(pro.id) && pro.id > 0);
      assert.deepEqual(pro, {
        id: pro.id,
        name: 'HV Zeeburg',
        slug: 'zeeburg',
        plan: 'pro',
        plan_expires_at: null,
        demo: false,
      });
      assert.equal(basic.plan, 'basic');
      assert.notEqual(basic.id, pro.id);
      const stored = await sql<{ slug: string; plan: string }>(
        'SELECT slug, plan FROM clubs WHERE id IN (?, ?) ORDER BY id',
        pro.id,
        basic.id,
      );
      assert.deepEqual(stored, [
        { slug: 'zeeburg', plan: 'pro' },
        { slug: 'kv-oost', plan: 'basic' },
      ]);
    });

    void it('lists every club as data in ascending id order', async () => {
      const first = await newClub();
      const second = await newClub();

      const clubs = await clubList();

      const ids = clubs.map((club) => club.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      assert.deepEqual(
        clubs.find((club) => club.id === first.id),
        first,
      );
      assert.deepEqual(
        clubs.find((club) => club.id === second.id),
        second,
      );
    });

    void it('refuses a second club with a slug already taken: exit 1 and code conflict', async () => {
      const club = await newClub();

      const error = await refused(1, 'clubs', 'create', '--name', 'Dubbel', '--slug', club.slug);

      assert.equal(error.code, 'conflict');
      assert.match(error.message, new RegExp(club.slug));
      assert.equal((await clubList()).filter((c) => c.slug === club.slug).length, 1);
    });

    void it('changes the plan, the end of the subscription and the demo flag, and clears the end with none', async () => {
      const club = await newClub();

      const changed = await ok<ClubJson>(
        'clubs',
        'update',
        club.slug,
        '--plan',
        'basic',
        '--plan-expires-at',
        '2027-01-31T12:00:00+01:00',
        '--demo',
        'true',
      );
      const listed = (await clubList()).find((c) => c.id === club.id);
      const cleared = await ok<ClubJson>(
        'clubs',
        'update',
        club.slug,
        '--plan-expires-at',
        'none',
        '--demo',
        'false',
      );

      const expected = {
        ...club,
        plan: 'basic',
        plan_expires_at: '2027-01-31T11:00:00.000Z',
        demo: true,
      };
      assert.deepEqual(changed, expected);
      assert.deepEqual(listed, expected);
      assert.deepEqual(cleared, { ...club, plan: 'basic', plan_expires_at: null, demo: false });
      assert.deepEqual(
        (await clubList()).find((c) => c.id === club.id),
        cleared,
      );
    });

    void it('refuses an end of subscription that is not an ISO 8601 timestamp with a timezone, changing nothing', async () => {
      const club = await newClub();

      for (const value of ['2027-01-31', '2027-01-31T12:00:00', '2027-02-30T12:00:00Z', 'never']) {
        const run = await cli('clubs', 'update', club.slug, '--plan-expires-at', value);
        assert.equal(run.status, 2, value);
        assert.match(run.stderr, /ISO 8601 timestamp with a timezone/, value);
      }

      assert.deepEqual(
        (await clubList()).find((c) => c.id === club.id),
        club,
      );
    });

    void it('refuses to change a club that does not exist with not_found', async () => {
      const error = await refused(1, 'clubs', 'update', 'bestaat-niet', '--plan', 'pro');

      assert.equal(error.code, 'not_found');
    });
  });

  void describe('groups', () => {
    void it('creates a group in the club named by its slug', async () => {
      const club = await newClub();

      const group = await ok<{ id: number; name: string }>(
        'groups',
        'create',
        '--club',
        club.slug,
        '--name',
        'Junioren A',
      );

      assert.ok(Number.isInteger(group.id) && group.id > 0);
      assert.equal(group.name, 'Junioren A');
      const stored = await sql<{ club_id: number; name: string }>(
        'SELECT club_id, name FROM groups WHERE id = ?',
        group.id,
      );
      assert.deepEqual(stored, [{ club_id: club.id, name: 'Junioren A' }]);
    });

    void it('refuses a group in a club that does not exist with not_found', async () => {
      const before = Number((await sql<{ n: number }>('SELECT COUNT(*) AS n FROM groups'))[0].n);

      const error = await refused(1, 'groups', 'create', '--club', 'bestaat-niet', '--name', 'X');

      assert.equal(error.code, 'not_found');
      assert.equal(
        Number((await sql<{ n: number }>('SELECT COUNT(*) AS n FROM groups'))[0].n),
        before,
      );
    });
  });

  void describe('keys', () => {
    void it('creates a key shown whole beside its prefix, label and scopes, and stores only its hash', async () => {
      const club = await newClub();

      const created = await newKey(club.slug, 'members:write,groups:read', 'Website');

      assert.match(created.key, KEY);
      assert.ok(Number.isInteger(created.id) && created.id > 0);
      assert.equal(created.prefix, created.key.slice(0, 12));
      assert.equal(created.label, 'Website');
      assert.deepEqual(created.scopes, ['members:write', 'groups:read']);
      const [stored] = await sql<Record<string, unknown>>(
        'SELECT * FROM api_keys WHERE id = ?',
        created.id,
      );
      assert.equal(stored.club_id, club.id);
      assert.equal(stored.key_hash, createHash('sha256').update(created.key).digest('hex'));
      assert.ok(!Object.values(stored).includes(created.key));
    });

    void it('lists the keys of a club with their prefixes and never a whole key', async () => {
      const club = await newClub();
      const other = await newClub();
      const first = await newKey(club.slug, 'members:read');
      const second = await newKey(club.slug, 'attendance:write', 'Trainers');
      const foreign = await newKey(other.slug);

      const run = await cli('keys', 'list', '--club', club.slug, '--json');

      assert.equal(run.status, 0, run.stderr);
      const { data } = JSON.parse(run.stdout) as { data: KeyJson[] };
      assert.deepEqual(
        data.map((key) => [
          key.id,
          key.prefix,
          key.label,
          key.scopes,
          key.expires_at,
          key.revoked_at,
        ]),
        [
          [first.id, first.prefix, first.label, ['members:read'], null, null],
          [second.id, second.prefix, 'Trainers', ['attendance:write'], null, null],
        ],
      );
      assert.ok(data.every((key) => !('key' in key)));
      for (const secret of [first.key, second.key, foreign.key]) {
        assert.ok(!run.stdout.includes(secret));
      }
    });

    void it('rotates a key into a new one with the same label and scopes, the old one working 24 more hours', async () => {
      const club = await newClub();
      const old = await newKey(club.slug, 'members:read,attendance:read', 'Export');

      const started = Date.now();
      const rotated = await ok<IssuedKeyJson & { replaces: KeyJson }>('keys', 'rotate', old.prefix);
      const finished = Date.now();

      assert.match(rotated.key, KEY);
      assert.notEqual(rotated.key, old.key);
      assert.equal(rotated.prefix, rotated.key.slice(0, 12));
      assert.notEqual(rotated.id, old.id);
      assert.equal(rotated.label, 'Export');
      assert.deepEqual(rotated.scopes, old.scopes);
      assert.equal(rotated.replaces.prefix, old.prefix);
      const graceEnd = Date.parse(rotated.replaces.expires_at ?? '');
      assert.ok(
        graceEnd >= started + DAY_MS && graceEnd <= finished + DAY_MS,
        rotated.replaces.expires_at ?? 'none',
      );
      const keys = await keyList(club.slug);
      assert.deepEqual(
        keys.map((key) => [key.prefix, key.label, key.scopes, key.expires_at, key.revoked_at]),
        [
          [old.prefix, 'Export', old.scopes, rotated.replaces.expires_at, null],
          [rotated.prefix, 'Export', old.scopes, null, null],
        ],
      );
    });

    void it('revokes a key at once, after which it can be neither rotated nor revoked again', async () => {
      const club = await newClub();
      const key = await newKey(club.slug);

      const started = Date.now();
      const revoked = await ok<KeyJson>('keys', 'revoke', key.prefix);
      const finished = Date.now();

      assert.equal(revoked.id, key.id);
      assert.equal(revoked.prefix, key.prefix);
      const revokedAt = Date.parse(revoked.revoked_at ?? '');
      assert.ok(revokedAt >= started && revokedAt <= finished, revoked.revoked_at ?? 'none');
      assert.equal((await keyList(club.slug))[0].revoked_at, revoked.revoked_at);
      assert.equal((await refused(1, 'keys', 'revoke', key.prefix)).code, 'not_found');
      assert.equal((await refused(1, 'keys', 'rotate', key.prefix)).code, 'not_found');
      assert.equal((await keyList(club.slug)).length, 1);
    });

    void it('refuses an unknown scope with validation_failed on the scopes field, and creates no key', async () => {
      const club = await newClub();

      const error = await refused(
        1,
        'keys',
        'create',
        '--club',
        club.slug,
        '--label',
        'Fout',
        '--scopes',
        'members:read,members:delete',
      );

      assert.equal(error.code, 'validation_failed');
      assert.equal(error.errors?.[0]?.field, 'scopes');
      assert.match(error.errors?.[0]?.message ?? '', /members:delete/);
      assert.deepEqual(await keyList(club.slug), []);
    });
  });

  void describe('output and exit codes', () => {
    void it('prints for people without --json: aligned columns with the prefix, the whole key only when it is made', async () => {
      const club = await newClub();

      const created = await cli(
        'keys',
        'create',
        '--club',
        club.slug,
        '--label',
        'Kassa',
        '--scopes',
        'groups:read',
      );
      const key = /ct_live_[0-9A-Za-z]{32}/.exec(created.stdout)?.[0] ?? '';
      const listed = await cli('keys', 'list', '--club', club.slug);

      assert.equal(created.status, 0, created.stderr);
      assert.match(key, KEY);
      assert.ok(created.stdout.includes(key.slice(0, 12)));
      assert.throws(() => JSON.parse(created.stdout) as unknown);
      assert.equal(listed.status, 0, listed.stderr);
      const [header, row] = listed.stdout.trimEnd().split('\n');
      assert.equal(row.indexOf(key.slice(0, 12)), header.indexOf('PREFIX'));
      assert.equal(row.indexOf('Kassa'), header.indexOf('LABEL'));
      assert.ok(!listed.stdout.includes(key));
    });

    void it('prints a refusal for people on stderr with its code and no stack trace, and nothing on stdout', async () => {
      const club = await newClub();

      const run = await cli('clubs', 'create', '--name', 'Dubbel', '--slug', club.slug);

      assert.equal(run.status, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /conflict/);
      assert.match(run.stderr, new RegExp(club.slug));
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    void it('takes --json anywhere on the line', async () => {
      const club = await newClub();

      for (const args of [
        ['--json', 'keys', 'list', '--club', club.slug],
        ['keys', '--json', 'list', '--club', club.slug],
        ['keys', 'list', '--club', club.slug, '--json'],
      ]) {
        const run = await cli(...args);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), { data: [] });
      }
    });

    void it('exits 2 on a usage error, writing it as one JSON object with --json, and changes nothing', async () => {
      const slug = newSlug();

      const missing = await cli('clubs', 'create', '--slug', slug);
      const badFlag = await refused(
        2,
        'clubs',
        'create',
        '--name',
        'X',
        '--slug',
        slug,
        '--colour',
        'red',
      );
      const badDemo = await cli('clubs', 'update', slug, '--demo', 'maybe');
      const nothing = await cli('clubs', 'update', slug);

      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /--name/);
      assert.equal(badFlag.code, 'bad_request');
      assert.match(badFlag.message, /--colour/);
      assert.equal(badDemo.status, 2);
      assert.match(badDemo.stderr, /true or false/);
      assert.equal(nothing.status, 2);
      assert.match(nothing.stderr, /nothing to change/);
      assert.ok(!(await clubList()).some((club) => club.slug === slug));
    });

    void it('lets several tools write to the same database at the same time', async () => {
      const wanted = [newSlug(), newSlug(), newSlug(), newSlug()];

      const created = await Promise.all(wanted.map((slug) => newClub(slug)));

      assert.equal(new Set(created.map((club) => club.id)).size, wanted.length);
      const listed = (await clubList()).map((club) => club.slug);
      assert.ok(wanted.every((slug) => listed.includes(slug)));
    });
  });
});
