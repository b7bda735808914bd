/**
 * The controller's typed emitter (lib/typed-emitter.ts) and the request router's operations served by
 * a part that starts later (controller/requests.ts `serve`: the console side's).
 */
import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import { silentLogger } from '../../lib/logger.ts';
import { RequestRouter, type CoreHandlers } from '../../controller/requests.ts';

interface Signals {
  stored: (seq: number) => void;
  served: (op: string, ms: number) => void;
}

describe('typed emitter', () => {
  it('calls the listeners of an event in the order they subscribed, and no more once unsubscribed', () => {
    const emitter = new TypedEmitter<Signals>();
    const heard: string[] = [];
    const first = emitter.on('stored', (seq) => heard.push(`first ${seq}`));
    emitter.on('stored', (seq) => heard.push(`second ${seq}`));
    emitter.on('served', (op, ms) => heard.push(`${op} in ${ms}`));
    emitter.emit('stored', 1);
    first();
    emitter.emit('stored', 2);
    emitter.emit('served', 'status', 3);
    expect(heard).toEqual(['first 1', 'second 1', 'second 2', 'status in 3']);
    expect(emitter.listenerCount('stored')).toBe(1);
  });

  it('delivers an event to the listeners it had when emitted, even when one unsubscribes another', () => {
    const emitter = new TypedEmitter<Signals>();
    const heard: number[] = [];
    let second = (): void => undefined;
    emitter.on('stored', () => second());
    second = emitter.on('stored', (seq) => heard.push(seq));
    emitter.emit('stored', 7);
    emitter.emit('stored', 8);
    expect(heard).toEqual([7]);
  });

  it('lets a listener’s exception reach the emitter, as a direct call would', () => {
    const emitter = new TypedEmitter<Signals>();
    emitter.on('stored', () => {
      throw new Error('listener broke');
    });
    expect(() => emitter.emit('stored', 1)).toThrow('listener broke');
  });
});

describe('request router: operations served later', () => {
  const ask = async (router: RequestRouter) =>
    JSON.parse((await router.ask('alarm.ack', { seq: 5 }, 'eve', 'test')).answer.toString()) as {
      status: string;
      data?: unknown;
      error?: string;
    };
  const router = () =>
    new RequestRouter({ handlers: {} as CoreHandlers, respond: () => undefined, log: silentLogger(), onInvalid: () => undefined });

  it('answers the console side’s operations with an error until it serves them, and again once it takes them back', async () => {
    const r = router();
    expect(await ask(r)).toMatchObject({
      status: 'error',
      error: '"alarm.ack" is served by the controller\'s console side, which is not running here',
    });
    const takeBack = r.serve({
      'device.health': () => Promise.reject(new Error('not asked')),
      'device.history': () => Promise.reject(new Error('not asked')),
      'alarm.ack': (p) => ({ seq: p.seq, ackSeq: 6 }),
    });
    expect(await ask(r)).toMatchObject({ status: 'ok', data: { seq: 5, ackSeq: 6 } });
    takeBack();
    expect((await ask(r)).status).toBe('error');
  });
});
