/**
 * The HTTP API (issue 12, in progress): every MQTT operation as POST /api/{op}, with the broker's
 * logins and roles, the same params schemas, the same answers and audit; its OpenAPI document is
 * generated and covers every operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerWithHttp as Controller } from '../../controller/http/attach.ts';
import { OPERATION_ROLE } from '../../protocols/access.ts';
import { OPERATIONS } from '../../protocols/contract.ts';
import { PAIR_SLOT, startCameraPair, type CameraPair } from '../support/camera-pair.ts';
import { PASSWORDS, PEOPLE } from '../support/forgery.ts';

const SLOT = PAIR_SLOT;
let pair: CameraPair;
let controller: Controller;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
async function post(op: string, body: unknown, authorization?: string, client?: string) {
  const response = await fetch(`${controller.httpUrl}/api/${op}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      ...(client ? { 'x-onair-client': client } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    code: response.status,
    body: (await response.json()) as { status: string; data?: Record<string, unknown>; error?: string },
    authenticate: response.headers.get('www-authenticate'),
  };
}

beforeAll(async () => {
  pair = await startCameraPair(PEOPLE);
  controller = pair.controller;
}, 30_000);

afterAll(async () => pair?.stop());

describe('the HTTP API', () => {
  it('asks for a login, refuses a wrong one, and answers a right one with the MQTT answer', async () => {
    const none = await post('status', {});
    expect(none).toMatchObject({ code: 401, body: { status: 'error', error: expect.stringMatching(/^log in/) } });
    expect(none.authenticate).toMatch(/^Basic realm="OnAir"/);
    expect(await post('status', {}, basic('vic', 'wrong password!'))).toMatchObject({
      code: 401,
      body: { error: 'login refused (wrong credential)' },
    });
    const status = await post('status', {}, basic('vic', PASSWORDS.vic));
    expect(status).toMatchObject({ code: 200, body: { status: 'ok', data: { onAir: false } } });
    expect((status.body.data!.devices as unknown[]).length).toBe(2);
    // A token file's line as a bearer token.
    expect((await post('status', {}, `Bearer vic:${PASSWORDS.vic}`)).code).toBe(200);
  });

  it('checks the role and the params schema, and says what the CLI says', async () => {
    expect(await post('failover', { slot: SLOT, reason: 'viewer tries' }, basic('vic', PASSWORDS.vic))).toMatchObject({
      code: 403,
      body: { error: 'vic\'s role (viewer) may not ask "failover"' },
    });
    expect(controller.status().slots[0]!.active?.device).toBe('cam-1');
    expect(await post('failover', { slot: SLOT }, basic('eve', PASSWORDS.eve))).toMatchObject({
      code: 400,
      body: { error: expect.stringMatching(/^invalid request: \/params\/reason: /) },
    });
    expect(await post('faillover', {}, basic('eve', PASSWORDS.eve))).toMatchObject({
      code: 404,
      body: { error: 'unknown operation "faillover" (did you mean "failover"?)' },
    });
    expect(await post('failover', { slot: 'studio-a/no-such', reason: 'x' }, basic('eve', PASSWORDS.eve))).toMatchObject({
      code: 422,
      body: { status: 'error', error: expect.stringContaining('studio-a/no-such') },
    });
    expect(await post('agent.enrol', { id: 'agent-z' }, basic('eve', PASSWORDS.eve))).toMatchObject({ code: 403 });
  });

  it('every route: no login is 401, a role below the operation is 403, params that break the schema are 400', async () => {
    for (const op of Object.keys(OPERATIONS) as Array<keyof typeof OPERATION_ROLE>) {
      expect((await post(op, {})).code, `${op} without a login`).toBe(401);
      if (OPERATION_ROLE[op] !== 'viewer')
        expect(await post(op, {}, basic('vic', PASSWORDS.vic)), `${op} as a viewer`).toMatchObject({
          code: 403,
          body: { error: `vic's role (viewer) may not ask "${op}"` },
        });
      const broken = await post(op, 'not an object', basic('ada', PASSWORDS.ada));
      expect(broken, `${op} with params that are not an object`).toMatchObject({
        code: 400,
        body: { status: 'error', error: expect.stringMatching(/^invalid request: \/params: /) },
      });
    }
  });

  it('an engineer fails over, audited with the login and the client', async () => {
    const done = await post('failover', { slot: SLOT, reason: 'from the console' }, basic('eve', PASSWORDS.eve), 'gallery-tablet');
    expect(done).toMatchObject({ code: 200, body: { status: 'ok' } });
    expect(controller.status().slots[0]!.active?.device).toBe('cam-2');
    const started = controller
      .events({})
      .filter((e) => e.type === 'failover.started')
      .at(-1);
    expect(started).toMatchObject({ by: 'eve (via gallery-tablet)', reason: 'from the console' });
  });

  it('publishes an OpenAPI document generated from the operations: every MQTT operation is a route', async () => {
    const response = await fetch(`${controller.httpUrl}/api/openapi.json`);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<
        string,
        { post: { operationId: string; 'x-onair-role': string; requestBody: { content: Record<string, { schema: unknown }> } } }
      >;
    };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.keys(OPERATIONS).sort();
    expect(
      Object.values(document.paths)
        .filter((p) => p.post)
        .map((p) => p.post.operationId)
        .sort(),
    ).toEqual(operations);
    // Besides the operations, the wall's two GETs (live pictures and levels).
    expect(Object.keys(document.paths).filter((path) => !document.paths[path]!.post)).toEqual([
      '/api/picture/{agent}/{device}',
      '/api/live-media',
    ]);
    for (const op of operations) {
      expect(document.paths[`/api/${op}`]!.post['x-onair-role']).toBe(OPERATION_ROLE[op as keyof typeof OPERATION_ROLE]);
      expect(document.paths[`/api/${op}`]!.post.requestBody.content['application/json']!.schema).toEqual(
        JSON.parse(JSON.stringify(OPERATIONS[op as keyof typeof OPERATIONS].params)),
      );
    }
  });
});
