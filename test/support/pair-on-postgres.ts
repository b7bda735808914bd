/**
 * What the pair tests of one file share (beforeAll/afterAll: starting PostgreSQL costs seconds): a
 * throwaway PostgreSQL server, an aedes broker in the test process (it outlives the controllers) and
 * a temp dir. A pair's seats are `onair controller` processes in that dir on that broker (or a test's
 * own). Whatever a test starts is undone after the file, newest first, a failing step not stopping
 * the rest, then the broker, the server and the dir.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/broker.ts';
import { closeClient, removeDir, tempDir } from '../integration/helpers.ts';
import { PairWatch } from './pair-watch.ts';
import { controllerProcess, freePort, type ControllerProcess } from './processes.ts';
import { hasPostgres, startPostgres, type TestPostgres } from './postgres.ts';

export interface PairOnPostgres {
  /** Set in beforeAll (only where PostgreSQL is installed: the tests skip themselves elsewhere). */
  readonly server: TestPostgres;
  readonly broker: EmbeddedBroker;
  readonly dir: string;
  /** Undone after the file, newest first. */
  defer(work: () => Promise<unknown>): void;
  /** A seat of a pair, not started: `onair controller` named `name` in `<dir>/<name>`, on `brokerUrl`. */
  seat(name: string, settings: Record<string, unknown>, brokerUrl?: string): Promise<ControllerProcess>;
  /** A seat on the PostgreSQL database `url` with its HTTP side on a free loopback port (opened when it leads). */
  httpSeat(name: string, url: string): Promise<{ proc: ControllerProcess; file: string; http: string }>;
  /** A watcher of who leads and what the pair sends, on `brokerUrl`. */
  watch(brokerUrl?: string): Promise<PairWatch>;
}

export function pairOnPostgres(): PairOnPostgres {
  let server: TestPostgres | undefined;
  let broker: EmbeddedBroker | undefined;
  let dir: string | undefined;
  const undo: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    if (!hasPostgres()) return;
    server = await startPostgres();
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', log: silentLogger() });
    dir = tempDir();
  }, 60_000);
  afterAll(async () => {
    for (const work of undo.splice(0).reverse()) await work().catch(() => undefined);
    await broker?.close();
    await server?.close();
    if (dir) removeDir(dir);
  }, 60_000);
  const fixture: PairOnPostgres = {
    get server() {
      return server!;
    },
    get broker() {
      return broker!;
    },
    get dir() {
      return dir!;
    },
    defer: (work) => void undo.push(work),
    async seat(name, settings, brokerUrl = fixture.broker.url) {
      const proc = await controllerProcess(path.join(fixture.dir, name), {
        name,
        broker: { embedded: false, url: brokerUrl },
        ...settings,
      });
      fixture.defer(() => proc.stop());
      return proc;
    },
    async httpSeat(name, url) {
      const port = await freePort();
      const proc = await fixture.seat(name, { postgres: { url }, http: { enabled: true, host: '127.0.0.1', port } });
      return { proc, file: path.join(fixture.dir, name, 'controller.yaml'), http: `http://127.0.0.1:${port}` };
    },
    async watch(brokerUrl = fixture.broker.url) {
      const watch = await PairWatch.start(brokerUrl);
      fixture.defer(() => closeClient(watch.client));
      return watch;
    },
  };
  return fixture;
}
