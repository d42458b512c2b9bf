/** NATS endpoint and credentials from URL, creds file and CAXTON_NATS_*: resolution, conflicts, and no secret in any sentence. */
import * as assert from 'node:assert/strict';
import { NatsConfigError, redact, resolveNatsEndpoint, type NatsEnv } from '../../../runtime/transport/nats/credentials';

describe('NATS credentials', () => {
  const cases: Array<[string, { url?: string; credsFile?: string; env?: NatsEnv }, unknown, string]> = [
    ['the default server', {}, { kind: 'none' }, 'nats://127.0.0.1:4222'],
    ['a plain URL', { url: 'nats://h:5000' }, { kind: 'none' }, 'nats://h:5000'],
    ['host:port without a scheme', { url: 'h:5000' }, { kind: 'none' }, 'nats://h:5000'],
    [
      'user and password in the URL',
      { url: 'nats://al%40ce:s3cr%3At@h:5000' },
      { kind: 'user', user: 'al@ce', password: 's3cr:t' },
      'nats://h:5000 as user al@ce',
    ],
    ['a token in the URL', { url: 'nats://t0ken@h' }, { kind: 'token', token: 't0ken' }, 'nats://h:4222 with a token'],
    ['CAXTON_NATS_URL', { env: { CAXTON_NATS_URL: 'nats://u:p@e:1' } }, { kind: 'user', user: 'u', password: 'p' }, 'nats://e:1 as user u'],
    ['--nats over CAXTON_NATS_URL', { url: 'nats://a:1', env: { CAXTON_NATS_URL: 'nats://e:1' } }, { kind: 'none' }, 'nats://a:1'],
    [
      'user and password from env',
      { env: { CAXTON_NATS_USER: 'u', CAXTON_NATS_PASSWORD: 'pw' } },
      { kind: 'user', user: 'u', password: 'pw' },
      'nats://127.0.0.1:4222 as user u',
    ],
    ['a token from env', { env: { CAXTON_NATS_TOKEN: 'tk' } }, { kind: 'token', token: 'tk' }, 'nats://127.0.0.1:4222 with a token'],
    [
      'a creds file',
      { credsFile: '/k/n.creds' },
      { kind: 'creds', file: '/k/n.creds' },
      'nats://127.0.0.1:4222 with creds file /k/n.creds',
    ],
    [
      'a creds file from env',
      { env: { CAXTON_NATS_CREDS: '/k/e.creds' } },
      { kind: 'creds', file: '/k/e.creds' },
      'nats://127.0.0.1:4222 with creds file /k/e.creds',
    ],
  ];
  for (const [what, input, auth, display] of cases) {
    it(what, () => {
      const e = resolveNatsEndpoint(input);
      assert.deepEqual(e.auth, auth);
      assert.equal(e.display, display);
    });
  }

  it('takes several servers, credentials from the first that has them', () => {
    const e = resolveNatsEndpoint({ url: 'nats://u:pw@a:1, nats://b:2' });
    assert.deepEqual(e.servers, ['nats://a:1', 'nats://b:2']);
    assert.equal(e.auth.kind, 'user');
  });

  const bad: Array<[string, { url?: string; credsFile?: string; env?: NatsEnv }, RegExp]> = [
    [
      'credentials given twice',
      { url: 'nats://u:hunter2@h', env: { CAXTON_NATS_TOKEN: 'hunter3' } },
      /given twice \(credentials in --nats and CAXTON_NATS_TOKEN\); keep one/,
    ],
    ['a password without a user', { env: { CAXTON_NATS_PASSWORD: 'hunter2' } }, /CAXTON_NATS_PASSWORD is set without CAXTON_NATS_USER/],
    ['another scheme', { url: 'http://u:hunter2@h:1' }, /--nats uses http:\/\/ \(http:\/\/\*\*\*@h:1\); only nats:\/\//],
    [
      'a path after the port',
      { url: 'nats://u:hunter2@h:1/x' },
      /should be nats:\/\/host:port with nothing after the port \(got nats:\/\/\*\*\*@h:1\/x\)/,
    ],
    [
      'not a URL',
      { env: { CAXTON_NATS_URL: 'nats://u:hunter2@h:port' } },
      /CAXTON_NATS_URL has a server that is not a URL \(nats:\/\/\*\*\*@h:port\)/,
    ],
    ['an empty URL', { url: ' , ' }, /--nats is empty/],
  ];
  for (const [what, input, message] of bad) {
    it(`refuses ${what} with a sentence that names the source, without the secret`, () => {
      assert.throws(
        () => resolveNatsEndpoint(input),
        (e: Error) => {
          assert.ok(e instanceof NatsConfigError);
          assert.match(e.message, message);
          assert.ok(!/hunter[23]/.test(e.message), e.message);
          return true;
        },
      );
    });
  }

  it('redacts user info', () => {
    assert.equal(redact('nats://u:p@h:1'), 'nats://***@h:1');
    assert.equal(redact('tok@h'), '***@h');
    assert.equal(redact('nats://h:1'), 'nats://h:1');
  });
});
