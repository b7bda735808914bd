/**
 * The controller's request handlers, fuzzed as any MQTT client reaches them: a real controller (real
 * embedded broker on an ephemeral port, real SQLite file) with a small studio registered, its clock
 * held still so nothing changes on its own; requests of every operation (and unknown ones) shaped
 * like the contract, broken at one spot, or noise. Per input: the controller keeps answering; a
 * request that carries a transaction gets one valid answer; a refused one leaves what requests can
 * change (catalog, slot definitions, shows, schedules) exactly as it was.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { Controller } from '../../controller/controller.ts';
import { ManualClock } from '../../lib/clock.ts';
import { responseCodec } from '../../protocols/codec.ts';
import { OPERATIONS, ROOT, requestMaxBytes, requestSchema, requestTopic, type OperationName } from '../../protocols/contract.ts';
import { closeClient, rawClient, startController } from '../integration/helpers.ts';
import { payloadBytes, shapedLike, type Hints } from './arbitraries.ts';
import type { FuzzTarget, Verdict } from './target.ts';

export interface RequestInput {
  op: string;
  payload: Buffer;
}

const OPS = Object.keys(OPERATIONS) as OperationName[];
const ANSWER_TIMEOUT_MS = 15_000;
const STUDIO = {
  by: 'fuzz',
  devices: [
    { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera' },
    { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera' },
    { agent: 'agent-a', device: 'mic-1', profile: 'simulated-mic' },
    { agent: 'agent-b', device: 'mic-2', profile: 'simulated-mic' },
  ],
  slots: [
    { id: 'studio-a/cam-wide', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 1 } },
    { id: 'studio-a/mic-host', primary: 'agent-a/mic-1', backups: ['agent-b/mic-2'], params: {} },
  ],
};
const IDS = [
  'agent-a',
  'agent-b',
  'cam-1',
  'cam-2',
  'mic-1',
  'mic-2',
  'studio-a',
  'studio-a/cam-wide',
  'studio-a/mic-host',
  'cam-wide',
  'agent-a/cam-1',
  'agent-b/cam-2',
  'simulated-camera',
  'simulated-mic',
  'show-1',
  'nightly',
];

/**
 * The transaction a request's asker will wait on, if the payload carries one it can be answered on:
 * JSON up to the largest request size (a request too big for its own operation is still answered).
 */
function transactionOf(payload: Buffer): string | undefined {
  if (payload.length > requestMaxBytes('profile.add')) return undefined;
  try {
    const t = (JSON.parse(payload.toString('utf8')) as { transaction?: unknown } | null)?.transaction;
    return typeof t === 'string' && t.length >= 1 && t.length <= 128 ? t : undefined;
  } catch {
    return undefined;
  }
}

export interface ControllerFuzz {
  target: FuzzTarget<RequestInput>;
  controller: Controller;
  close(): Promise<void>;
}

export async function controllerTarget(dir: string): Promise<ControllerFuzz> {
  const clock = new ManualClock(Date.now());
  const dataDir = path.join(dir, 'data');
  const controller = await startController({ dataDir, clock });
  await registerStudio(controller.brokerUrl, STUDIO);
  const client: MqttClient = await rawClient(controller.brokerUrl);
  const answers = new Map<string, Array<{ op: string; payload: Buffer }>>();
  const waiting = new Map<string, () => void>();
  client.on('message', (t, payload) => {
    const op = t.slice(`${ROOT}/controller/responses/`.length);
    let transaction: unknown;
    try {
      transaction = (JSON.parse(payload.toString()) as { transaction?: unknown }).transaction;
    } catch {
      transaction = undefined;
    }
    const key = String(transaction);
    answers.set(key, [...(answers.get(key) ?? []), { op, payload }]);
    waiting.get(key)?.();
  });
  await client.subscribeAsync(`${ROOT}/controller/responses/+`, { qos: 1 });
  const db = new Database(path.join(dataDir, 'onair.sqlite'), { readonly: true });
  const rows = (sql: string) => db.prepare(sql).all();
  /** What a request can change: a refused one must leave it as it was. */
  const state = (): string =>
    JSON.stringify({
      registrations: rows('SELECT * FROM registrations ORDER BY 1, 2'),
      profiles: rows('SELECT * FROM profiles ORDER BY 1'),
      slots: rows('SELECT id, body FROM slots ORDER BY id'),
      shows: rows('SELECT id FROM shows ORDER BY id'),
      schedules: rows('SELECT * FROM schedules ORDER BY id'),
      slotDefinitions: controller.status().slots.map((s) => [s.slot, s.primary, s.backups, s.params]),
    });

  const answer = (transaction: string): Promise<{ op: string; payload: Buffer }> =>
    new Promise((resolve, reject) => {
      const take = (): boolean => {
        const got = answers.get(transaction)?.shift();
        if (!got) return false;
        if (answers.get(transaction)?.length === 0) answers.delete(transaction);
        clearTimeout(timer);
        waiting.delete(transaction);
        resolve(got);
        return true;
      };
      const timer = setTimeout(
        () => (
          waiting.delete(transaction),
          reject(new Error(`no answer to transaction ${JSON.stringify(transaction)} within ${ANSWER_TIMEOUT_MS} ms`))
        ),
        ANSWER_TIMEOUT_MS,
      );
      if (!take()) waiting.set(transaction, () => void take());
    });

  let probes = 0;
  const hints: Hints = { ids: IDS, now: clock.now() };
  const known = fc
    .constantFrom(...OPS)
    .chain((op) => payloadBytes(requestSchema(op), hints).map((payload) => ({ op: op as string, payload })));
  // Whole, well-formed requests as the CLI sends them: without this arm only ~3% of inputs got past
  // the decoder and the handlers' own checks, and a run could end without one accepted request.
  const wellFormed = fc
    .constantFrom(...OPS)
    .chain((op) =>
      shapedLike(requestSchema(op), hints).map((value) => ({ op: op as string, payload: Buffer.from(JSON.stringify(value)) })),
    );
  const unknown = fc
    .tuple(fc.constantFrom('stauts', 'device.delete', 'x', 'a'.repeat(64)), payloadBytes(requestSchema('status'), hints))
    .map(([op, payload]) => ({ op, payload }));

  const target: FuzzTarget<RequestInput> = {
    name: 'controller request handlers',
    async: true,
    input: fc.oneof({ arbitrary: known, weight: 6 }, { arbitrary: wellFormed, weight: 3 }, { arbitrary: unknown, weight: 1 }),
    async check({ op, payload }): Promise<Verdict> {
      const before = state();
      const transaction = transactionOf(payload);
      const answered = transaction === undefined ? undefined : answer(transaction);
      client.publish(op in OPERATIONS ? requestTopic(op as OperationName) : `${ROOT}/controller/requests/${op}`, payload, { qos: 0 });
      let verdict: Verdict = 'refused';
      if (answered) {
        const got = await answered;
        expect(got.op, 'answered on the operation asked').toBe(op);
        const body = JSON.parse(got.payload.toString()) as { status: string; error?: string };
        if (op in OPERATIONS) expect(responseCodec(op as OperationName).decode(got.payload).ok, `a valid ${op} answer`).toBe(true);
        else expect(body).toMatchObject({ transaction, status: 'error', error: expect.stringContaining('unknown operation') });
        if (body.status === 'ok') verdict = 'accepted';
      }
      // Still answering, and anything the input set off has been handled (requests are taken in order).
      const probe = `probe-${(probes += 1)}`;
      const alive = answer(probe);
      client.publish(requestTopic('status'), JSON.stringify({ transaction: probe, params: {} }), { qos: 0 });
      await alive;
      expect([...answers.keys()], 'one answer per request, none unasked for').toEqual([]);
      if (verdict === 'refused') expect(state(), 'a refused request changes nothing').toBe(before);
      return verdict;
    },
  };
  return {
    target,
    controller,
    close: async () => {
      db.close();
      await closeClient(client);
      await controller.stop();
    },
  };
}
