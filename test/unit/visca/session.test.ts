import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ViscaSession } from '../../../agent/drivers/visca/session.ts';
import { Commands, Inquiries } from '../../../agent/drivers/visca/vocabulary.ts';

const bytes = (text: string) => Buffer.from(text.split(' ').map((h) => parseInt(h, 16)));

function setup() {
  const sent: string[] = [];
  const session = new ViscaSession({ address: 1, firstAnswerTimeoutMs: 100, write: async (p) => void sent.push(p.toString('hex')) });
  const reply = (text: string) => session.onFrame(bytes(text));
  return { session, sent, reply };
}

describe('VISCA session', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves a command on its completion, matched by socket', async () => {
    const { session, sent, reply } = setup();
    const recall = session.command(Commands.presetRecall(3), { priority: 'action', completionTimeoutMs: 5_000 });
    expect(sent).toEqual(['8101043f0203ff']);
    reply('90 41 FF');
    reply('90 51 FF');
    await expect(recall).resolves.toBeUndefined();
  });

  it('keeps at most two commands executing and sends one message at a time', async () => {
    const { session, sent, reply } = setup();
    const a = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 5_000 });
    const b = session.command(Commands.presetRecall(2), { priority: 'action', completionTimeoutMs: 5_000 });
    const c = session.command(Commands.presetRecall(3), { priority: 'action', completionTimeoutMs: 5_000 });
    expect(sent).toHaveLength(1); // b waits for a's first answer
    reply('90 41 FF');
    expect(sent).toHaveLength(2);
    reply('90 42 FF');
    expect(sent).toHaveLength(2); // c waits for a free socket
    reply('90 52 FF'); // b completes first
    await expect(b).resolves.toBeUndefined();
    expect(sent).toHaveLength(3);
    reply('90 42 FF');
    reply('90 51 FF');
    reply('90 52 FF');
    await expect(Promise.all([a, c])).resolves.toEqual([undefined, undefined]);
  });

  it('a socket ACKed again while its command executes ends that command (its completion was lost), and its timer with it', async () => {
    const { session, reply } = setup();
    const a = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 5_000 });
    reply('90 41 FF');
    const b = session.command(Commands.presetRecall(2), { priority: 'action', completionTimeoutMs: 5_000 });
    reply('90 41 FF'); // socket 1 again: a's "90 51 FF" never arrived
    await expect(a).rejects.toThrow(/reused socket 1/);
    expect(vi.getTimerCount(), "only b's completion timer is left").toBe(1);
    reply('90 51 FF');
    await expect(b).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets an inquiry through while two commands execute, and answers it from z0 50', async () => {
    const { session, reply } = setup();
    session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 5_000 }).catch(() => undefined);
    reply('90 41 FF');
    session.command(Commands.presetRecall(2), { priority: 'action', completionTimeoutMs: 5_000 }).catch(() => undefined);
    reply('90 42 FF');
    const power = session.inquiry(Inquiries.power, { priority: 'probe' });
    reply('90 50 02 FF');
    await expect(power).resolves.toEqual(bytes('02'));
  });

  it('puts actions ahead of queued probes', () => {
    const { session, sent, reply } = setup();
    void session.inquiry(Inquiries.power, { priority: 'probe' }).catch(() => undefined);
    void session.inquiry(Inquiries.version, { priority: 'probe' }).catch(() => undefined);
    void session.command(Commands.powerOn, { priority: 'action', completionTimeoutMs: 1_000 }).catch(() => undefined);
    reply('90 50 02 FF');
    expect(sent).toEqual(['81090400ff', '8101040002ff']);
  });

  it('reports errors with their meaning: syntax, buffer full, not executable in place of an ACK', async () => {
    const { session, reply } = setup();
    const bad = session.inquiry([0x09, 0x05, 0x38], { priority: 'probe' });
    reply('90 60 02 FF');
    await expect(bad).rejects.toThrow('camera answered syntax error');
    const full = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 1_000 });
    reply('90 60 03 FF');
    await expect(full).rejects.toThrow('command buffer full (two commands already executing)');
    const standby = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 1_000 });
    reply('90 61 41 FF');
    await expect(standby).rejects.toThrow('camera answered command not executable in the current mode');
  });

  it('a cancelled command fails by its socket, not the message waiting for an ACK', async () => {
    const { session, reply } = setup();
    const moving = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 5_000 });
    reply('90 42 FF');
    const next = session.command(Commands.presetRecall(2), { priority: 'action', completionTimeoutMs: 5_000 });
    reply('90 62 04 FF');
    await expect(moving).rejects.toThrow('command cancelled');
    reply('90 41 FF');
    reply('90 51 FF');
    await expect(next).resolves.toBeUndefined();
  });

  it('times out a camera that does not answer, then carries on', async () => {
    const { session, reply } = setup();
    const lost = session.inquiry(Inquiries.power, { priority: 'probe' });
    const after = session.inquiry(Inquiries.power, { priority: 'probe' });
    const failed = expect(lost).rejects.toThrow('camera did not answer 09 04 00 within 100 ms');
    await vi.advanceTimersByTimeAsync(101);
    await failed;
    reply('90 50 03 FF');
    await expect(after).resolves.toEqual(bytes('03'));
  });

  it('a caller that gives up still leaves the late answer consumed, so the next one is matched right', async () => {
    const { session, reply } = setup();
    const controller = new AbortController();
    const abandoned = session.inquiry(Inquiries.version, { priority: 'probe', signal: controller.signal });
    const next = session.inquiry(Inquiries.power, { priority: 'probe' });
    controller.abort(new Error('probe deadline'));
    await expect(abandoned).rejects.toThrow('probe deadline');
    reply('90 50 00 20 04 67 01 10 02 FF'); // the version answer, late: must not go to `next`
    reply('90 50 02 FF');
    await expect(next).resolves.toEqual(bytes('02'));
  });

  it('fails everything at once when the line goes away', async () => {
    const { session, reply } = setup();
    const moving = session.command(Commands.presetRecall(1), { priority: 'action', completionTimeoutMs: 5_000 });
    reply('90 41 FF');
    const queued = session.inquiry(Inquiries.power, { priority: 'probe' });
    session.reset('serial port closed');
    await expect(moving).rejects.toThrow('serial port closed');
    await expect(queued).rejects.toThrow('serial port closed');
    expect(session.busy).toEqual({ queued: 0, executing: 0 });
  });

  it('counts replies it cannot place', () => {
    const { session, reply } = setup();
    reply('90 51 FF');
    reply('A0 50 02 FF'); // another camera on the chain
    reply('90 99 FF');
    expect(session.counters).toMatchObject({ unmatchedReplies: 2, invalidReplies: 1 });
  });
});
