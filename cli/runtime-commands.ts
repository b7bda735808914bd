/** `onair controller` and `onair agent`: the long-running processes. */
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../lib/clock.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { userError } from '../client/request-client.ts';
import { cliIdentity } from '../i18n/messages/cli-identity.ts';
import { cliGear } from '../i18n/messages/cli-gear.ts';

// Each command loads only its own side: an agent process never loads the broker or SQLite.

export function registerRuntimeCommands(program: Command): void {
  program
    .command('controller')
    .description('run the controller (with its embedded MQTT broker unless the config names an external one)')
    .option('-c, --config <file>', 'controller config (YAML)')
    .option('--port <port>', 'embedded broker port (overrides the config)', parsePort)
    .option('--http-port <port>', 'HTTP port for /healthz, /readyz, /metrics (overrides the config)', parsePort)
    .option('--data <dir>', 'data directory (overrides the config)')
    .option('--on-air', 'start on air (arms automatic failover)')
    .action(async (opts: { config?: string; port?: number; httpPort?: number; data?: string; onAir?: boolean }) => {
      const { defaultControllerConfig, loadControllerConfig } = await import('../controller/config.ts');
      const { attachHttpSide, startControllerWithHttp } = await import('../controller/http/attach.ts');
      const { readControllerBrokerSecrets } = await import('../controller/broker/broker-link.ts');
      const config = opts.config ? loadControllerConfig(opts.config) : defaultControllerConfig();
      if (opts.port !== undefined) config.broker.port = opts.port;
      if (opts.httpPort !== undefined) config.http.port = opts.httpPort;
      if (opts.data) config.dataDir = path.resolve(opts.data); // from here; the config's own paths stay relative to it
      if (opts.onAir) config.onAir = true;
      const log = createLogger({ name: 'controller' });
      const baseDir = opts.config ? path.dirname(path.resolve(opts.config)) : process.cwd();
      // Files the broker settings name are taken from the config file's folder.
      const deps = { config, clock: systemClock, log, baseDir, brokerSecrets: readControllerBrokerSecrets(config.broker, baseDir) };
      if (config.postgres) {
        // Controllers sharing PostgreSQL: one leads, the others stand by (controller/pair/standby.ts).
        const { ControllerSeat } = await import('../controller/pair/standby.ts');
        // The HTTP side runs while the seat leads: started on each controller it runs (controller/http/attach.ts).
        const seat = ControllerSeat.start({ ...deps, onLeading: (controller) => attachHttpSide(controller, deps) });
        log.info(
          { name: seat.name, broker: config.broker.url },
          'controller seat running: leads when it holds the lock, stands by otherwise',
        );
        await untilSignal(log, () => seat.stop());
        return;
      }
      // Alone, it outlives an external broker that is down at start: alive, not ready, trying with backoff.
      const controller = await startControllerWithHttp({ ...deps, retryBrokerAtStart: true });
      log.info(
        { broker: controller.brokerUrl, http: controller.httpUrl, onAir: config.onAir, slots: controller.status().slots.length },
        'controller running',
      );
      await untilSignal(log, () => controller.stop());
    });

  program
    .command('agent')
    .description('run an agent: drive the devices in its config and report to the controller')
    .option('-c, --config <file>', 'agent config (YAML); required to run an agent')
    .option('--state <dir>', 'where the last desired config is kept (overrides stateDir in the config)')
    .action(async (opts: { config?: string; state?: string }) => {
      if (!opts.config)
        throw userError(cliIdentity, 'agentNeedsConfig', {
          command: 'onair agent',
          option: '--config <file>',
          enrol: 'onair agent add|rotate|revoke|list',
        });
      const { loadAgentConfig } = await import('../agent/config.ts');
      const { Agent } = await import('../agent/agent.ts');
      const { readBrokerSecrets } = await import('../lib/broker-client.ts');
      const { fileConfigCache } = await import('../agent/config-cache.ts');
      const { builtInDrivers } = await import('../agent/drivers/index.ts');
      const { fileKeptState } = await import('../agent/kept-state.ts');
      const { isolateDriverFaults } = await import('../agent/fault-isolation.ts');
      const drivers = builtInDrivers();
      const config = loadAgentConfig(opts.config, drivers);
      const log = createLogger({ name: 'agent' }); // the agent names itself and its devices on every line
      isolateDriverFaults(log);
      const stateDir = opts.state ? path.resolve(opts.state) : path.resolve(path.dirname(path.resolve(opts.config)), config.stateDir);
      const configCache = fileConfigCache({
        file: path.join(stateDir, `${config.agentId}.desired-config.json`),
        agentId: config.agentId,
        log,
      });
      const keptState = fileKeptState({ file: path.join(stateDir, `${config.agentId}.kept-state.json`), log });
      const agent = new Agent({
        config,
        drivers,
        clock: systemClock,
        log,
        brokerSecrets: readBrokerSecrets(config.broker, path.dirname(path.resolve(opts.config))),
        configCache,
        keptState,
      });
      await agent.start().catch((err: Error) => log.warn({ err: err.message }, 'broker not reachable yet; still trying in the background'));
      log.info({ devices: config.devices.length, broker: config.broker.url }, 'agent running');
      await untilSignal(log, () => agent.stop());
    });
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw userError(cliGear, 'notPort', { text, range: '0-65535' });
  return port;
}

function untilSignal(log: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => process.exit(1), 5_000);
      force.unref();
      // A stop that fails is logged and fails the command: unhandled, its rejection ended the process with a bare stack trace.
      stop()
        .catch((err: Error) => {
          log.error({ err: err.message }, 'stop failed');
          process.exitCode = 1;
        })
        .finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
