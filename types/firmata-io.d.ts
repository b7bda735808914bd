// firmata-io ships no types; this declares the part OnAir uses (checked against lib/firmata.js 2.3.0).
declare module 'firmata-io' {
  import { EventEmitter } from 'node:events';

  export interface FirmataTransport extends EventEmitter {
    write(data: Buffer | number[]): unknown;
  }

  export interface FirmataOptions {
    /** ms to wait for REPORT_VERSION before asking for it (a board that spoke before the port opened). */
    reportVersionTimeout?: number;
    samplingInterval?: number;
  }

  export class Firmata extends EventEmitter {
    constructor(transport: FirmataTransport, options?: FirmataOptions, callback?: (err?: Error) => void);
    isReady: boolean;
    version: { major?: number; minor?: number };
    firmware: { name?: string; version?: { major: number; minor: number } };
    pins: Array<{ supportedModes: number[]; analogChannel: number; value?: number; mode?: number }>;
    analogPins: number[];
    /** Bytes of the message being parsed (lib/firmata.js keeps it public; cleared after each message). */
    buffer: number[];
  }

  interface BindTransport {
    (transport: unknown): typeof Firmata;
    Firmata: typeof Firmata;
  }
  const bindTransport: BindTransport;
  export default bindTransport;
}
