/**
 * A separate process asking the controller for `status` one request at a time, as an engineer's tool
 * would: the round trips it measures carry none of the asker's own parsing and garbage collection
 * (in the controller's process they inflated the tail). Usage: node status-client.js <json settings>;
 * it sends back { samples, devices }.
 */
import { request, withController } from '../client/request-client.ts';

interface Settings {
  broker: string;
  samples: number;
  pauseMs: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
const options = { broker: settings.broker, timeoutMs: 10_000, issuedBy: 'bench' };
const samples: number[] = [];
let devices = 0;
await withController(options, async (c) => {
  for (let i = 0; i < settings.samples; i += 1) {
    const t0 = performance.now();
    const status = await request(c, 'status', {}, options);
    samples.push(performance.now() - t0);
    devices = status.devices.length;
    await new Promise((r) => setTimeout(r, settings.pauseMs));
  }
});
process.send?.({ samples, devices });
process.exit(0);
