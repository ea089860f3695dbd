import { Command } from 'commander';

import type { AuditEventView, AuditLogService } from '../audit/audit-log.service.js';
import type { ApiKeyView, ClubChanges, ClubsService, ClubView } from '../clubs/clubs.service.js';
import type { GroupView, GroupsService } from '../groups/groups.service.js';
import { parseBoolean, parseList, parseTimestamp, parseTimestampOrNone } from './cli-options.js';
import { CliOutput, fieldLines, tableLines } from './cli-output.js';
import type { Printable } from './cli-output.js';

export interface CliServices {
  clubs: ClubsService;
  groups: GroupsService;
  audit: AuditLogService;
}

/** Opens the database and the services for one command; `close` releases them again. */
export type OpenServices = () => Promise<{ services: CliServices; close: () => Promise<void> }>;

type IssuedKey = Awaited<ReturnType<ClubsService['createKey']>>;
type RotatedKey = Awaited<ReturnType<ClubsService['rotateKey']>>;

interface UpdateClubOptions {
  plan?: string;
  planExpiresAt?: { at: Date | null };
  demo?: boolean;
}

function clubFields(club: ClubView): [string, string][] {
  return [
    ['id', String(club.id)],
    ['name', club.name],
    ['slug', club.slug],
    ['plan', club.plan],
    ['plan expires at', club.plan_expires_at ?? 'never'],
    ['demo', club.demo ? 'yes' : 'no'],
  ];
}

function keyStatus(key: ApiKeyView): string {
  if (key.revoked_at !== null) {
    return `revoked ${key.revoked_at}`;
  }
  if (key.expires_at !== null) {
    return `${Date.parse(key.expires_at) > Date.now() ? 'expires' : 'expired'} ${key.expires_at}`;
  }

  return 'active';
}

function issuedKeyLines(key: IssuedKey): string[] {
  return [
    '',
    `  ${key.key}`,
    '',
    ...fieldLines([
      ['id', String(key.id)],
      ['prefix', key.prefix],
      ['label', key.label],
      ['scopes', key.scopes.join(', ')],
    ]),
  ];
}

function clubResult(heading: string, club: ClubView): Printable {
  return { json: club, human: [heading, ...fieldLines(clubFields(club))] };
}

function clubListResult(clubs: ClubView[]): Printable {
  const rows = clubs.map((club) => [
    String(club.id),
    club.slug,
    club.name,
    club.plan,
    club.plan_expires_at ?? 'never',
    club.demo ? 'yes' : 'no',
  ]);
  const header = ['ID', 'SLUG', 'NAME', 'PLAN', 'PLAN EXPIRES AT', 'DEMO'];

  return {
    json: { data: clubs },
    human: rows.length > 0 ? tableLines(header, rows) : ['No clubs yet.'],
  };
}

function groupResult(clubSlug: string, group: GroupView): Printable {
  const human = [
    `Group created in club ${clubSlug}.`,
    ...fieldLines([
      ['id', String(group.id)],
      ['name', group.name],
    ]),
  ];

  return { json: group, human };
}

function keyListResult(clubSlug: string, keys: ApiKeyView[]): Printable {
  const rows = keys.map((key) => [
    String(key.id),
    key.prefix,
    key.label,
    key.scopes.join(','),
    key.created_at,
    keyStatus(key),
  ]);
  const header = ['ID', 'PREFIX', 'LABEL', 'SCOPES', 'CREATED AT', 'STATUS'];
  const human = rows.length > 0 ? tableLines(header, rows) : [`Club ${clubSlug} has no keys.`];

  return { json: { data: keys }, human };
}

function createdKeyResult(clubSlug: string, key: IssuedKey): Printable {
  const heading = `Key created for club ${clubSlug}. It is shown only this once; store it now:`;

  return { json: key, human: [heading, ...issuedKeyLines(key)] };
}

function rotatedKeyResult(rotated: RotatedKey): Printable {
  const { replaces, ...issued } = rotated;
  const human = [
    `Key ${replaces.prefix} rotated. The new key is shown only this once; store it now:`,
    ...issuedKeyLines(issued),
    '',
    `The old key ${replaces.prefix} keeps working until ${replaces.expires_at ?? 'it is revoked'}.`,
  ];

  return { json: rotated, human };
}

function revokedKeyResult(key: ApiKeyView): Printable {
  return { json: key, human: [`Key ${key.prefix} (${key.label}) revoked at ${key.revoked_at}.`] };
}

function auditResult(clubSlug: string, events: AuditEventView[]): Printable {
  const rows = events.map((event) => [
    event.at,
    event.actor,
    event.action,
    event.entity,
    String(event.entity_id),
  ]);
  const header = ['AT', 'ACTOR', 'ACTION', 'ENTITY', 'ID'];
  const human = rows.length > 0 ? tableLines(header, rows) : [`Club ${clubSlug} has no events.`];

  return { json: { data: events }, human };
}

// Options left out stay as they are: an undefined member would overwrite them.
function clubChanges(options: UpdateClubOptions): ClubChanges {
  return {
    ...(options.plan !== undefined && { plan: options.plan }),
    ...(options.planExpiresAt !== undefined && { planExpiresAt: options.planExpiresAt.at }),
    ...(options.demo !== undefined && { demo: options.demo }),
  };
}

async function execute(
  command: Command,
  open: OpenServices,
  work: (services: CliServices) => Promise<Printable>,
): Promise<void> {
  const output = new CliOutput(command.optsWithGlobals<{ json?: boolean }>().json === true);
  try {
    const session = await open();
    let printable: Printable;
    try {
      printable = await work(session.services);
    } finally {
      await session.close();
    }
    output.result(printable);
  } catch (error) {
    output.failure(error);
    process.exitCode = 1;
  }
}

/**
 * The commands of `club-tool`. The database is opened only once a command runs, so help and
 * usage errors never touch it. Commander throws on a usage error instead of exiting.
 */
export function buildProgram(open: OpenServices): Command {
  const run = (command: Command, work: (services: CliServices) => Promise<Printable>) =>
    execute(command, open, work);
  const program = new Command('club-tool')
    .description('Administers the clubs, groups and API keys of club-tool, on its database.')
    .option('--json', 'print one JSON object on stdout, also for an error')
    .exitOverride();

  const clubs = program.command('clubs').description('create, change and list clubs');
  clubs
    .command('create')
    .description('create a club')
    .requiredOption('--name <name>', 'the name of the club')
    .requiredOption('--slug <slug>', 'a-z, 0-9 and dashes; names the club in other commands')
    .option('--plan <plan>', 'the plan of the club', 'pro')
    .action((options: { name: string; slug: string; plan: string }, command: Command) =>
      run(command, async (services) =>
        clubResult('Club created.', await services.clubs.createClub(options)),
      ),
    );
  clubs
    .command('update')
    .description('change the plan, the end of the subscription or the demo flag of a club')
    .argument('<slug>', 'the club')
    .option('--plan <plan>', 'the new plan')
    .option(
      '--plan-expires-at <timestamp>',
      'when the subscription ends, ISO 8601 with a timezone; none clears it',
      // Commander stores a null from a parser as '', so a cleared end travels in a box.
      (value: string) => ({ at: parseTimestampOrNone(value) }),
    )
    .option('--demo <boolean>', 'true makes the club a read-only demo', parseBoolean)
    .action((slug: string, options: UpdateClubOptions, command: Command) => {
      const changes = clubChanges(options);
      if (Object.keys(changes).length === 0) {
        command.error('error: nothing to change; give --plan, --plan-expires-at or --demo', {
          code: 'club-tool.nothingToChange',
        });
      }

      return run(command, async (services) =>
        clubResult('Club updated.', await services.clubs.updateClub(slug, changes)),
      );
    });
  clubs
    .command('list')
    .description('list every club')
    .action((_options: object, command: Command) =>
      run(command, async (services) => clubListResult(await services.clubs.listClubs())),
    );

  const groups = program.command('groups').description('create groups');
  groups
    .command('create')
    .description('create a group in a club')
    .requiredOption('--club <slug>', 'the club')
    .requiredOption('--name <name>', 'the name of the group')
    .action((options: { club: string; name: string }, command: Command) =>
      run(command, async (services) => {
        const clubId = await services.clubs.clubIdOf(options.club);

        return groupResult(options.club, await services.groups.create(clubId, options.name));
      }),
    );

  const keys = program.command('keys').description('create, list, rotate and revoke API keys');
  keys
    .command('create')
    .description('create a key; the only time the whole key is shown')
    .requiredOption('--club <slug>', 'the club')
    .requiredOption('--label <label>', 'what the key is for')
    .requiredOption(
      '--scopes <scopes>',
      'comma-separated, such as members:read,groups:read',
      parseList,
    )
    .action((options: { club: string; label: string; scopes: string[] }, command: Command) =>
      run(command, async (services) => {
        const key = await services.clubs.createKey({ clubSlug: options.club, ...options });

        return createdKeyResult(options.club, key);
      }),
    );
  keys
    .command('list')
    .description('list the keys of a club, never a whole key')
    .requiredOption('--club <slug>', 'the club')
    .action((options: { club: string }, command: Command) =>
      run(command, async (services) =>
        keyListResult(options.club, await services.clubs.listKeys(options.club)),
      ),
    );
  keys
    .command('rotate')
    .description('replace a key by a new one; the old one keeps working for 24 hours')
    .argument('<prefix>', 'the first 12 characters of the key')
    .action((prefix: string, _options: object, command: Command) =>
      run(command, async (services) => rotatedKeyResult(await services.clubs.rotateKey(prefix))),
    );
  keys
    .command('revoke')
    .description('stop a key at once')
    .argument('<prefix>', 'the first 12 characters of the key')
    .action((prefix: string, _options: object, command: Command) =>
      run(command, async (services) => revokedKeyResult(await services.clubs.revokeKey(prefix))),
    );

  program
    .command('audit')
    .description("list the club's audit log: who wrote what, and when")
    .requiredOption('--club <slug>', 'the club')
    .option(
      '--since <timestamp>',
      'only events at or after this ISO 8601 timestamp',
      parseTimestamp,
    )
    .action((options: { club: string; since?: Date }, command: Command) =>
      run(command, async (services) => {
        const clubId = await services.clubs.clubIdOf(options.club);

        return auditResult(options.club, await services.audit.list(clubId, options.since));
      }),
    );

  return program;
}
