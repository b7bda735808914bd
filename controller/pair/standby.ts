/**
 * A controller that shares PostgreSQL with others: it stands by until it holds the lead
 * (controller/pair/leadership.ts), then loads the store from PostgreSQL and runs as the Controller does
 * alone, with its term on everything it sends. When it loses the lead (its session ended, a newer
 * term seen, its lease stale after a pause) it stops at once without a word on the broker, and
 * stands by again.
 */
import os from 'node:os';
import path from 'node:path';
import { errorMessage, sleep } from '../../lib/timeout.ts';
import { readSecret } from '../../lib/secret.ts';
import { Controller, type ControllerDependencies } from '../controller.ts';
import { Leadership, type LeadershipTiming } from './leadership.ts';
import { openPostgresStore, prepareWorkingCopy } from '../store/store-postgres.ts';
import type { Change } from '../store/pg-mirror.ts';
import { dialBroker, readControllerBrokerSecrets, type DialedBroker } from '../broker/broker-link.ts';
import { StandbyPicture } from './standby-picture.ts';
import { TakeoverTimeline } from './takeover-timeline.ts';

export interface StandbyOptions extends Omit<ControllerDependencies, 'openStore' | 'leader'> {
  timing?: Partial<LeadershipTiming>;
  env?: NodeJS.ProcessEnv;
  /**
   * Called with each controller the seat runs, once it leads (the command starts the controller's HTTP
   * side here: controller/http/attach.ts); a failure gives the lead up, as a failed start does.
   */
  onLeading?: (controller: Controller) => Promise<unknown>;
}

/** One controller's seat in a pair (or more) sharing a PostgreSQL database. */
export class ControllerSeat {
  private controller: Controller | undefined;
  private leadership: Leadership | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private unsent: (() => { term: number; changes: Change[] }) | undefined;

  private constructor(private readonly o: StandbyOptions) {}

  /** Throws at once on a settings problem (no postgres section, an unreadable password file). */
  static start(o: StandbyOptions): ControllerSeat {
    const pgSettings = o.config.postgres;
    if (!pgSettings) throw new Error('a controller seat needs postgres in its config');
    if (!o.config.broker.url)
      throw new Error('a controller seat needs broker.url: controllers sharing PostgreSQL share an external broker');
    const file = pgSettings.passwordFile && path.resolve(o.baseDir ?? process.cwd(), pgSettings.passwordFile);
    const password = readSecret({ env: pgSettings.passwordEnv, file }, 'postgres', o.env ?? process.env);
    // Read once, here: a bad broker secret fails `onair controller` at once too.
    const brokerSecrets = o.brokerSecrets ?? readControllerBrokerSecrets(o.config.broker, o.baseDir ?? process.cwd(), o.env ?? process.env);
    const seat = new ControllerSeat({ ...o, brokerSecrets });
    seat.loop = seat.run(pgSettings.url, password);
    return seat;
  }

  get name(): string {
    return this.o.config.name ?? os.hostname();
  }

  private async run(url: string, password: string | undefined): Promise<void> {
    const { log } = this.o;
    let waitingSaid = '';
    /** Writes the last term could not send; replayed only if nobody led in between (the next term is ours). */
    let held: { term: number; changes: Change[] } | undefined;
    while (!this.abort.signal.aborted) {
      log.info({ name: this.name }, 'standing by: waiting for the lead');
      // Hot: subscribed to the fleet meanwhile, its registry and slot picture current, deciding nothing.
      const picture = StandbyPicture.start({
        config: this.o.config,
        secrets: this.o.brokerSecrets ?? {},
        name: this.name,
        clock: this.o.clock,
        log,
      });
      // Made now, not after the lock: an empty working copy, migrated (tens of ms of CPU, hundreds on a loaded machine).
      const prepared = prepareWorkingCopy();
      const leadership = await Leadership.acquire({
        url,
        ...(password !== undefined ? { password } : {}),
        name: this.name,
        clock: this.o.clock,
        log,
        ...(this.o.timing ? { timing: this.o.timing } : {}),
        signal: this.abort.signal,
        onWaiting: (reason) => {
          if (reason !== waitingSaid) log.info({ reason }, 'standing by');
          waitingSaid = reason;
        },
      }).catch(async (err: Error) => {
        await picture.close();
        prepared.db.close();
        return this.abort.signal.aborted ? undefined : Promise.reject(err);
      });
      if (!leadership) {
        await picture.close();
        if (prepared.db.open) prepared.db.close();
        break;
      }
      waitingSaid = '';
      this.leadership = leadership;
      const lost = new Promise<string>((resolve) => leadership.onLost(resolve));
      let dialed: DialedBroker | undefined;
      try {
        let loaded = { rows: 0, ms: 0 };
        const acquiredAt = performance.now();
        const takeover = new TakeoverTimeline(log, leadership.acquired.lockedAt, leadership.acquired.lockQueryMs);
        takeover.mark('term');
        // The term is ours: dial the broker now, so its connect overlaps the state's load (it waits, silent, for the controller's link).
        dialed = dialBroker({
          config: this.o.config.broker,
          secrets: this.o.brokerSecrets ?? {},
          clock: this.o.clock,
          log,
          name: this.name,
        });
        const replay = held && leadership.term === held.term + 1 ? held.changes : [];
        if (held && replay.length === 0 && held.changes.length > 0)
          log.error(
            { lost: held.changes.length, term: held.term },
            'writes of the last term never reached PostgreSQL and another controller led since: they are dropped',
          );
        held = undefined;
        this.controller = await Controller.start({
          ...this.o,
          leader: leadership,
          dialedBroker: dialed,
          standbyView: () => picture.handOver(),
          takeover,
          openStore: async (hooks) => {
            const opened = await openPostgresStore({
              client: leadership.client,
              session: () => leadership.client,
              term: leadership.term,
              hooks,
              onFenced: (reason) => leadership.lose(reason),
              replay,
              prepared,
              mark: (step) => takeover.mark(step),
              connection: { url, ...(password !== undefined ? { password } : {}) },
              log,
            });
            if (replay.length > 0) log.warn({ replayed: replay.length }, 'sent the writes the last term could not');
            loaded = opened.loaded;
            this.unsent = () => ({ term: leadership.term, changes: opened.unsent() });
            return opened.store;
          },
        });
        await this.o.onLeading?.(this.controller);
        log.info(
          { term: leadership.term, loadedRows: loaded.rows, loadMs: loaded.ms, startMs: Math.round(performance.now() - acquiredAt) },
          'leading: deciding from now on',
        );
        const reason = await Promise.race([
          lost,
          new Promise<string>((resolve) => this.abort.signal.addEventListener('abort', () => resolve('stopping'), { once: true })),
        ]);
        if (reason !== 'stopping') log.warn({ term: leadership.term, reason }, 'lost the lead: stopping without a word, then standing by');
      } catch (err) {
        log.error({ err: errorMessage(err) }, 'could not start leading; giving the lead up');
      }
      await picture.close(); // handed over on the first connect; closed here if leading never got that far
      await this.stopLeading();
      await dialed?.close(); // the controller's link took it, unless leading never got that far
      if (prepared.db.open) prepared.db.close(); // the store never opened on it (it closes its own)
      held = this.unsent?.();
      this.unsent = undefined;
      await sleep(this.o.timing?.pollMs ?? 200, this.abort.signal).catch(() => undefined);
    }
  }

  private async stopLeading(): Promise<void> {
    const controller = this.controller;
    this.controller = undefined;
    await controller?.stop().catch((err: Error) => this.o.log.error({ err: err.message }, 'stopping the controller failed'));
    await this.leadership?.release();
    this.leadership = undefined;
  }

  /** Ends leading (handing the lead to a standby) or standing by. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch((err: Error) => this.o.log.error({ err: err.message }, 'the controller seat failed'));
  }
}
