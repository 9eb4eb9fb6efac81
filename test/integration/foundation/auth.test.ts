import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { TEST_SALT, useTestService } from '../../support/testService';

describe('Foundation: authentication and health', () => {
  const suite = useTestService();

  it('logs in with email and password: { status: "Success", token } with id, nickname and groups', async () => {
    const user = await suite.app.createUser({ group: 'Moderator', nickname: 'Norbert' });
    const res = await suite.app
      .http()
      .post('/api/v1/login')
      .send({ email: user.email.toUpperCase(), password: user.password });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['status', 'token']);
    assert.equal(res.body.status, 'Success');
    const payload = jwt.verify(res.body.token, TEST_SALT, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    assert.equal(payload.id, user.id);
    assert.equal(payload.nickname, 'Norbert');
    assert.deepEqual(payload.groups, [{ id: 2, name: 'Moderator' }]);
    // TOKEN_LIFETIME (12h by default), in seconds.
    assert.equal(payload.exp! - payload.iat!, suite.app.settings.tokenLifetime);
    assert.equal(suite.app.settings.tokenLifetime, 12 * 3600);
  });

  it('answers 400 { message } for a missing field or a body that is not JSON, 401 { status: "Mismatch", message } for wrong credentials', async () => {
    const user = await suite.app.createUser();
    const missing = await suite.app.http().post('/api/v1/login').send({ email: user.email });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { message: 'Both "email" and "password" are required.' });
    const notJson = await suite.app
      .http()
      .post('/api/v1/login')
      .set('Content-Type', 'application/json')
      .send('{"email":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.message, 'Request body is not valid JSON.');
    const wrong = await suite.app.http().post('/api/v1/login').send({ email: user.email, password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { status: 'Mismatch', message: 'Invalid email or password.' });
    const unknown = await suite.app
      .http()
      .post('/api/v1/login')
      .send({ email: 'nobody@example.org', password: 'x' });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, { status: 'Mismatch', message: 'Invalid email or password.' });
  });

  it('answers 415 { message } for credentials sent in another type than JSON, even right ones', async () => {
    const user = await suite.app.createUser();
    const credentials = { email: user.email, password: user.password };
    for (const [type, body] of [
      ['text/plain', JSON.stringify(credentials)],
      ['application/x-www-form-urlencoded', new URLSearchParams(credentials).toString()],
    ]) {
      const res = await suite.app.http().post('/api/v1/login').set('Content-Type', type).send(body);
      assert.equal(res.status, 415, type);
      assert.deepEqual(
        res.body,
        { message: 'Send the request body as JSON (Content-Type: application/json).' },
        type,
      );
    }
    const json = await suite.app.http().post('/api/v1/login').send(credentials);
    assert.equal(json.status, 200, 'the same credentials as JSON sign in');
  });

  it('rejects missing, malformed, badly signed, expired and never-expiring tokens with 401', async () => {
    const user = await suite.app.createUser();
    const payload = { id: user.id, nickname: 'x', groups: [{ id: 3, name: 'User' }] };
    const cases: [string, string | undefined, string][] = [
      ['missing', undefined, 'Missing Authorization header.'],
      [
        'not bearer',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        'Authorization header must be "Bearer <token>".',
      ],
      ['malformed', 'Bearer not.a.jwt', 'Invalid token.'],
      ['badly signed', `Bearer ${jwt.sign(payload, 'another-salt')}`, 'Invalid token.'],
      [
        'expired',
        `Bearer ${jwt.sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 60 }, TEST_SALT)}`,
        'Token expired.',
      ],
      ['other algorithm', `Bearer ${jwt.sign(payload, TEST_SALT, { algorithm: 'HS512' })}`, 'Invalid token.'],
      ['wrong payload', `Bearer ${jwt.sign({ sub: 'x' }, TEST_SALT)}`, 'Invalid token payload.'],
      ['no expiry', `Bearer ${jwt.sign(payload, TEST_SALT)}`, 'Token has no expiry.'],
    ];
    for (const [name, header, message] of cases) {
      const req = suite.app.http().get('/api/v1/jobs');
      if (header) req.set('Authorization', header);
      const res = await req;
      assert.equal(res.status, 401, name);
      assert.equal(res.body.message, message, name);
    }
  });

  it('accepts a token minted elsewhere with the same TOKEN_SALT and payload', async () => {
    const user = await suite.app.createUser();
    const token = jwt.sign(
      { id: user.id, nickname: 'minted', groups: [{ id: 3, name: 'User' }] },
      TEST_SALT,
      {
        expiresIn: '5m',
      },
    );
    const res = await suite.app.http().get('/api/v1/jobs').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
  });

  it('answers JSON 404 for an unknown route', async () => {
    const res = await suite.app.http().get('/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'Not found.');
  });
});
