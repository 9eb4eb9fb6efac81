import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { checkResponse, documentedResponses, SPEC_PATH, takeViolations } from '../support/contract';

describe('Contract: assets/swaggerV1.yaml', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(parse(readFileSync(SPEC_PATH, 'utf8')));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.0');
  });

  it('documents every endpoint of config/routes.ts except the docs themselves', () => {
    const { routes } = require('../../config/routes') as { routes: Record<string, string> };
    const documented = new Set(documentedResponses().map((key) => key.split(' ').slice(0, 2).join(' ')));
    for (const route of Object.keys(routes)) {
      if (route.includes('/docs')) continue;
      const [method, path] = route.split(' ');
      assert.ok(documented.has(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`), `${route} is not documented`);
    }
  });

  it('checks every event of an event stream as a job body, and its documented example passes', async () => {
    const spec = parse(readFileSync(SPEC_PATH, 'utf8'));
    const example: string =
      spec.paths['/api/v1/jobs/{batchId}/events'].get.responses['200'].content['text/event-stream'].example;
    const check = (body: string) =>
      checkResponse({
        method: 'GET',
        url: '/api/v1/jobs/6e5f37de-8a2c-4a0f-9d8e-3b1c2f4a5d6e/events',
        status: 200,
        headers: { 'content-type': 'text/event-stream; charset=utf-8' },
        body,
      });
    await check(example);
    assert.deepEqual(await takeViolations(), []);

    await check(
      'retry: 3000\n\nid: 2\ndata: {"batchId":"x"}\n\nid: 3\ndata: not json\n\nevent: end\n\nfoo: bar\n\n',
    );
    const violations = (await takeViolations()).join('\n');
    assert.match(violations, /event 1 has id 2/);
    assert.match(violations, /event 1 data \[.*must have required property/);
    assert.match(violations, /event 2 data is not JSON/);
    assert.match(violations, /a block without data/);
    assert.match(violations, /unknown field: "foo: bar"/);
  });

  it('catches a response that does not match: a wrong body, a missing header, an undocumented status', async () => {
    // An optional header left out (Idempotent-Replayed) is not a violation; a header of the wrong shape is.
    await checkResponse({
      method: 'POST',
      url: '/api/v1/entrances/import-rows',
      status: 202,
      headers: { location: '/api/v1/jobs/x', 'idempotent-replayed': 'maybe' },
      body: {
        batchId: '6e5f37de-8a2c-4a0f-9d8e-3b1c2f4a5d6e',
        totalRows: 1,
        totalChunks: 1,
        statusUrl: '/api/v1/jobs/x',
      },
    });
    const wrongShape = await takeViolations();
    assert.equal(wrongShape.length, 1, wrongShape.join('\n'));
    assert.match(wrongShape[0], /→ 202: headers .*idempotent-replayed/);
    await checkResponse({
      method: 'POST',
      url: '/api/v1/login',
      status: 200,
      headers: {},
      body: { jwt: 'x' },
    });
    await checkResponse({
      method: 'POST',
      url: '/api/v1/entrances/import-rows',
      status: 202,
      headers: {},
      body: {
        batchId: '6e5f37de-8a2c-4a0f-9d8e-3b1c2f4a5d6e',
        totalRows: 1,
        totalChunks: 1,
        statusUrl: '/api/v1/jobs/x',
      },
    });
    await checkResponse({ method: 'GET', url: '/api/v1/health', status: 418, headers: {}, body: {} });
    const violations = await takeViolations();
    assert.equal(violations.length, 3, violations.join('\n'));
    assert.match(violations[0], /POST \/api\/v1\/login → 200: body/);
    assert.match(violations[1], /→ 202: required header Location is missing/);
    assert.match(violations[2], /418: status not documented/);
  });
});
