import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { RequestContext } from './request-context.js';
import { ServiceLogger } from './service-logger.js';
import type { LogConfig } from '../../config/app-config.js';

/** What the logger writes to stdout and stderr while `work` runs, line by line. */
function written(work: () => void): string[] {
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => out.push(String(chunk)) > 0;
  const stdout = mock.method(process.stdout, 'write', capture);
  const stderr = mock.method(process.stderr, 'write', capture);
  try {
    work();
  } finally {
    stdout.mock.restore();
    stderr.mock.restore();
  }

  return out.join('').split('\n').filter(Boolean);
}

const json = (level: LogConfig['level']) => new ServiceLogger({ format: 'json', level });

describe('ServiceLogger', () => {
  it('writes one JSON object per line, the fields of an object after the message among them', () => {
    const lines = written(() => json('log').log('Purged 3 keys', { purged: 3 }, 'Purge'));

    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]);
    assert.equal(line.level, 'log');
    assert.equal(line.message, 'Purged 3 keys');
    assert.equal(line.context, 'Purge');
    assert.equal(line.purged, 3);
    assert.equal(line.requestId, undefined);
  });

  it('puts the request id, club and idempotency key on every line written inside a request', () => {
    const lines = written(() =>
      RequestContext.run({ requestId: 'req-1' }, () => {
        const logger = json('debug');
        logger.debug('before the guard', 'Test');
        RequestContext.setClubId(7);
        RequestContext.setIdempotencyKey('import-1');
        logger.error('failed', 'Error: failed\n    at x (y.js:1:1)', 'Test');
      }),
    ).map((line) => JSON.parse(line));

    assert.deepEqual(
      lines.map((line) => [line.requestId, line.clubId, line.idempotencyKey]),
      [
        ['req-1', undefined, undefined],
        ['req-1', 7, 'import-1'],
      ],
    );
    assert.match(lines[1].stack, /at x/);
  });

  it('writes nothing below LOG_LEVEL', () => {
    const lines = written(() => {
      const logger = json('warn');
      logger.debug('hidden', 'Test');
      logger.log('hidden', 'Test');
      logger.warn('shown', 'Test');
      logger.error('shown', 'Test');
    });

    assert.deepEqual(
      lines.map((line) => JSON.parse(line).message),
      ['shown', 'shown'],
    );
  });

  it('names the request in the text lines of the pretty format', () => {
    const logger = new ServiceLogger({ format: 'pretty', level: 'log' });

    const [line] = written(() =>
      RequestContext.run({ requestId: 'req-2', clubId: 4 }, () => logger.log('done', 'Test')),
    );

    assert.match(line, /\[Test\] .*\(request req-2, club 4\) .*done/);
    assert.throws(() => JSON.parse(line));
  });
});
