/** The device's end of a serial line, shared by the serial simulators. */
import { SerialPort } from 'serialport';

/** Opens without a lock: a device does not flock its end of the cable (drivers do, so two agents on one port fail). */
export async function openDeviceEnd(path: string, baudRate: number, onData: (chunk: Buffer) => void): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('data', onData);
  port.on('error', () => undefined); // a simulator outlives its cable being pulled
  return port;
}

export async function closeDeviceEnd(port: SerialPort | undefined): Promise<void> {
  if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
}
