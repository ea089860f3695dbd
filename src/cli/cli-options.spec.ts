import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';

import { parseBoolean, parseList, parseTimestampOrNone } from './cli-options.js';

void describe('command-line option values', () => {
  void it('reads a timestamp with Z or an offset as the same UTC instant', () => {
    assert.equal(
      parseTimestampOrNone('2027-01-31T11:00:00Z')?.toISOString(),
      '2027-01-31T11:00:00.000Z',
    );
    assert.equal(
      parseTimestampOrNone('2027-01-31T12:00:00+01:00')?.toISOString(),
      '2027-01-31T11:00:00.000Z',
    );
    assert.equal(
      parseTimestampOrNone('2027-01-31T06:30-0430')?.toISOString(),
      '2027-01-31T11:00:00.000Z',
    );
    assert.equal(
      parseTimestampOrNone('2028-02-29T23:59:59.5Z')?.toISOString(),
      '2028-02-29T23:59:59.500Z',
    );
  });

  void it('reads none as clearing the timestamp', () => {
    assert.equal(parseTimestampOrNone('none'), null);
  });

  void it('refuses a timestamp without a timezone, with impossible fields, or of another form', () => {
    const refused = [
      '2027-01-31',
      '2027-01-31T12:00:00',
      '2027-02-29T12:00:00Z',
      '2027-04-31T12:00:00Z',
      '2027-13-01T12:00:00Z',
      '2027-01-31T24:00:00Z',
      '2027-01-31T12:60:00Z',
      '2027-01-31T12:00:00+25:00',
      'tomorrow',
      'None',
      '',
    ];
    for (const value of refused) {
      assert.throws(() => parseTimestampOrNone(value), InvalidArgumentError, value);
    }
  });

  void it('reads only true and false as a boolean', () => {
    assert.equal(parseBoolean('true'), true);
    assert.equal(parseBoolean('false'), false);
    assert.throws(() => parseBoolean('yes'), InvalidArgumentError);
  });

  void it('splits a comma-separated list and drops blanks around and between the items', () => {
    assert.deepEqual(parseList(' members:read, groups:read,,'), ['members:read', 'groups:read']);
  });
});
