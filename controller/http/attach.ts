/**
 * Where HTTP is wired to the controller: the controller's core (everything in controller/ outside
 * http/) never starts or imports its HTTP side; the command that starts a controller (`onair
 * controller`, a pair's seat when it leads, the studio harness, the tests' startController) starts it
 * with these, on the controller's face, and the controller closes it first when it stops (Controller.attach).
 */
import { Controller, type ControllerDependencies } from '../controller.ts';
import { startHttpSide } from './http-side.ts';
import { httpListener } from './http-server.ts';

/** A controller with its HTTP side: `httpUrl` with http.enabled, e.g. http://127.0.0.1:8080. */
export type ControllerWithHttp = Controller & { readonly httpUrl: string | undefined };

/** Starts the HTTP side (the console always, the server with http.enabled) on a running controller. */
export async function attachHttpSide(
  controller: Controller,
  d: Pick<ControllerDependencies, 'config' | 'clock' | 'log' | 'baseDir'>,
): Promise<ControllerWithHttp> {
  const side = await startHttpSide(controller, { clock: d.clock, log: d.log, listen: httpListener(d.config, d.baseDir ?? process.cwd()) });
  controller.attach(side);
  return Object.assign(controller, { httpUrl: side.url });
}

/** Controller.start, then its HTTP side; a side that cannot start (its port taken) stops the controller again. */
export async function startControllerWithHttp(d: ControllerDependencies): Promise<ControllerWithHttp> {
  const controller = await Controller.start(d);
  try {
    return await attachHttpSide(controller, d);
  } catch (err) {
    await controller.stop().catch(() => undefined);
    throw err;
  }
}
