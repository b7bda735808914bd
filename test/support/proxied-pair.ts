/**
 * The pair as the fault runs stage it: two `onair controller` processes (ctl-a, ctl-b) on a throwaway
 * scram-sha-256 PostgreSQL cluster, each through its own TCP proxy (so its link can be cut without a
 * FIN), and Debian's Mosquitto as the shared broker. ctl-a is started and leads, then ctl-b is
 * started to stand by.
 */
import path from 'node:path';
import { waitUntil } from '../integration/helpers.ts';
import { PairWatch } from './pair-watch.ts';
import { controllerProcess, mosquittoProcess, waitForPort, type ControllerProcess, type MosquittoProcess } from './processes.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { TcpProxy } from './tcp-proxy.ts';

export interface ProxiedPair {
  server: TestPostgres;
  broker: MosquittoProcess;
  /** The pair's database, as a URL straight to the server (with the password). */
  url: string;
  seats: Map<string, { proc: ControllerProcess; proxy: TcpProxy }>;
  watch: PairWatch;
}

export interface ProxiedPairOptions {
  /** Each seat's controller settings besides its name, database login and broker. */
  controller: Record<string, unknown>;
  /** How long ctl-a may take to lead. */
  leadWithinMs: number;
  /** Called with each seat's directory once it is made (before anything is started). */
  eachSeat?: (seatDir: string) => void;
}

/**
 * Starts the pair in `dir`; `undo` is handed each thing to undo as it is started, to run before
 * whatever was handed earlier (so a start that fails halfway still ends what it started).
 */
export async function startProxiedPair(
  dir: string,
  undo: (work: () => Promise<unknown>) => void,
  options: ProxiedPairOptions,
): Promise<ProxiedPair> {
  const server = await startPostgres();
  undo(() => server.close());
  const broker = await mosquittoProcess(path.join(dir, 'mosquitto'));
  undo(() => broker.stop());
  const url = await server.database();
  broker.start();
  await waitForPort(broker.port, 5_000);
  const seats = new Map<string, { proc: ControllerProcess; proxy: TcpProxy }>();
  for (const name of ['ctl-a', 'ctl-b']) {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
    undo(() => proxy.close());
    const proc = await controllerProcess(path.join(dir, name), {
      name,
      postgres: server.login(url.replace(`:${server.port}/`, `:${proxy.port}/`), dir),
      broker: { embedded: false, url: broker.url },
      ...options.controller,
    });
    undo(() => proc.stop());
    options.eachSeat?.(path.join(dir, name));
    seats.set(name, { proc, proxy });
  }
  const watch = await PairWatch.start(broker.url);
  undo(() => watch.stop());
  seats.get('ctl-a')!.proc.start();
  await waitUntil(() => watch.leader()?.name === 'ctl-a', options.leadWithinMs, 'ctl-a to lead');
  seats.get('ctl-b')!.proc.start();
  return { server, broker, url, seats, watch };
}
