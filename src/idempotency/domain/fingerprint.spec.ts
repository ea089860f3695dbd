import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Fingerprints, fingerprintOf } from './fingerprint.js';

describe('fingerprintOf', () => {
  const body = { operations: [{ op: 'create', data: { name: 'Sanne', email: null } }] };

  it('is the same for the same method, path and body', () => {
    assert.equal(
      fingerprintOf('POST', '/api/v1/members/bulk', body),
      fingerprintOf('post', '/api/v1/members/bulk', structuredClone(body)),
    );
  });

  it('ignores the order of object keys', () => {
    const reordered = { operations: [{ data: { email: null, name: 'Sanne' }, op: 'create' }] };

    assert.equal(
      fingerprintOf('POST', '/api/v1/members/bulk', body),
      fingerprintOf('POST', '/api/v1/members/bulk', reordered),
    );
  });

  it('counts the order of array items', () => {
    const a = {
      operations: [
        { op: 'delete', id: 1 },
        { op: 'delete', id: 2 },
      ],
    };
    const b = {
      operations: [
        { op: 'delete', id: 2 },
        { op: 'delete', id: 1 },
      ],
    };

    assert.notEqual(fingerprintOf('POST', '/x', a), fingerprintOf('POST', '/x', b));
  });

  it('differs by method, by path and by query string', () => {
    const base = fingerprintOf('POST', '/api/v1/members', body);

    assert.notEqual(fingerprintOf('PATCH', '/api/v1/members', body), base);
    assert.notEqual(fingerprintOf('POST', '/api/v1/members/bulk', body), base);
    assert.notEqual(fingerprintOf('POST', '/api/v1/members?x=1', body), base);
  });

  it('tells a value apart from its string and null from a missing field', () => {
    assert.notEqual(
      fingerprintOf('POST', '/x', { id: 1 }),
      fingerprintOf('POST', '/x', { id: '1' }),
    );
    assert.notEqual(fingerprintOf('POST', '/x', { a: null }), fingerprintOf('POST', '/x', {}));
  });

  it('treats a missing body as null', () => {
    assert.equal(fingerprintOf('DELETE', '/x', undefined), fingerprintOf('DELETE', '/x', null));
  });
});

describe('Fingerprints', () => {
  const path = '/api/v1/members/bulk';
  const body = { operations: [{ op: 'create', data: { name: 'Sanne' } }] };
  const raw = (text: string, contentType = 'application/json') => ({
    bytes: Buffer.from(text),
    contentType,
  });

  it('answers the canonical fingerprint, whether or not the raw bytes are known', () => {
    const fingerprints = new Fingerprints();
    const expected = fingerprintOf('POST', path, body);

    assert.equal(fingerprints.of('POST', path, body), expected);
    assert.equal(fingerprints.of('POST', path, body, raw(JSON.stringify(body))), expected);
    assert.equal(fingerprints.of('POST', path, body, raw(JSON.stringify(body, null, 2))), expected);
  });

  it('answers bytes it saw before from them, without reading the body again', () => {
    const fingerprints = new Fingerprints();
    const first = fingerprints.of('POST', path, body, raw('{"operations":[]}'));
    const unread = {
      toJSON: () => {
        throw new Error('the body was made canonical again');
      },
    };

    assert.equal(fingerprints.of('POST', path, unread, raw('{"operations":[]}')), first);
  });

  it('keeps the same bytes apart under another method, path or Content-Type', () => {
    const fingerprints = new Fingerprints();
    fingerprints.of('POST', path, body, raw('{}'));
    const other = { operations: [] };

    for (const [method, at, contentType] of [
      ['PUT', path, 'application/json'],
      ['POST', '/api/v1/attendance/bulk', 'application/json'],
      ['POST', path, 'application/json; charset=utf-16le'],
    ]) {
      assert.equal(
        fingerprints.of(method, at, other, raw('{}', contentType)),
        fingerprintOf(method, at, other),
      );
    }
  });
});
