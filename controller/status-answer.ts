/**
 * The `status` answer encoded around its devices' kept JSON (controller/fleet/device-summaries.ts):
 * the rest of the picture (agents, slots, program, counters: tens of entries) is checked against the
 * answer's schema and serialised as any answer is, with an empty `devices` placed last; the devices'
 * array, each entry checked when it was built, takes that empty array's place. The bytes parse to
 * what `JSON.stringify` of the whole answer gives (test/unit/status-answer.test.ts).
 */
import { responseCodec } from '../protocols/codec.ts';
import type { OperationResponse } from '../protocols/contract.ts';
import type { StatusData } from '../protocols/schemas.ts';

const EMPTY_DEVICES_END = '"devices":[]}}';

export function encodeStatusAnswer(transaction: string, data: StatusData, devicesJson: string): Buffer {
  // The spread keeps a key where it was: `devices` must be left out and added again to come last.
  const { devices: _devices, ...rest } = data;
  const shell = { transaction, status: 'ok', data: { ...rest, devices: [] } } satisfies OperationResponse<'status'>;
  const checked = responseCodec('status').validate(shell);
  if (!checked.ok) throw new Error(`refusing to publish an invalid payload: ${checked.reason}`);
  const text = JSON.stringify(shell);
  if (!text.endsWith(EMPTY_DEVICES_END)) throw new Error('the status answer did not end with its devices');
  return Buffer.from(`${text.slice(0, -EMPTY_DEVICES_END.length)}"devices":${devicesJson}}}`);
}
