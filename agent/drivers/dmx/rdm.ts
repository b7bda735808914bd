/**
 * RDM (ANSI E1.20) packets: encode requests, decode and check responses. Pure; no I/O.
 * [E1.20 §6.2] START CODE 0xCC, SUB-START 0x01, message length (24 + PDL, checksum excluded),
 * destination UID, source UID, transaction number, port id / response type, message count,
 * sub-device, command class, PID, PDL, parameter data, checksum = 16-bit sum of all bytes before it.
 */

export const SC_RDM = 0xcc;
export const SC_SUB_MESSAGE = 0x01;

export const CommandClass = {
  get: 0x20,
  getResponse: 0x21,
  set: 0x30,
  setResponse: 0x31,
  discovery: 0x10,
  discoveryResponse: 0x11,
} as const;
/** [E1.20 Table A-2] */
export const ResponseType = { ack: 0x00, ackTimer: 0x01, nackReason: 0x02, ackOverflow: 0x03 } as const;
/** [E1.20 Table A-3] */
export const Pid = {
  statusMessages: 0x0030,
  deviceInfo: 0x0060,
  sensorDefinition: 0x0200,
  sensorValue: 0x0201,
  deviceHours: 0x0400,
  lampHours: 0x0401,
  lampStrikes: 0x0402,
  lampState: 0x0403,
} as const;
/** [E1.20 Table A-17] */
export const NACK_REASONS: Readonly<Record<number, string>> = {
  0x0000: 'unknown PID',
  0x0001: 'format error',
  0x0002: 'hardware fault',
  0x0003: 'proxy reject',
  0x0004: 'write protect',
  0x0005: 'unsupported command class',
  0x0006: 'data out of range',
  0x0007: 'buffer full',
  0x0008: 'packet size unsupported',
  0x0009: 'sub-device out of range',
  0x000a: 'proxy buffer full',
};
/** [E1.20 Table A-4] status types */
export const StatusType = { none: 0x00, getLastMessage: 0x01, advisory: 0x02, warning: 0x03, error: 0x04 } as const;

/** A UID written as mmmm:dddddddd (ESTA manufacturer id : device id), in hex. */
export type UidText = string;

export function parseUid(text: UidText): Buffer {
  const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{8})$/.exec(text);
  if (!m) throw new RangeError(`"${text}" is not an RDM UID (mmmm:dddddddd in hex)`);
  return Buffer.from(m[1]! + m[2]!, 'hex');
}

export const formatUid = (uid: Uint8Array): UidText =>
  `${Buffer.from(uid.subarray(0, 2)).toString('hex')}:${Buffer.from(uid.subarray(2, 6)).toString('hex')}`;

export interface RdmRequest {
  destination: Buffer;
  source: Buffer;
  transaction: number;
  port: number;
  subDevice?: number;
  commandClass: number;
  pid: number;
  data?: Uint8Array;
}

export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xffff;
  return sum;
}

export function encodeRequest(r: RdmRequest): Buffer {
  const data = r.data ?? new Uint8Array(0);
  if (data.length > 231) throw new RangeError('parameter data is at most 231 bytes');
  const body = Buffer.alloc(24 + data.length);
  body[0] = SC_RDM;
  body[1] = SC_SUB_MESSAGE;
  body[2] = 24 + data.length;
  r.destination.copy(body, 3);
  r.source.copy(body, 9);
  body[15] = r.transaction & 0xff;
  body[16] = r.port;
  body[17] = 0; // message count
  body.writeUInt16BE(r.subDevice ?? 0, 18);
  body[20] = r.commandClass;
  body.writeUInt16BE(r.pid, 21);
  body[23] = data.length;
  Buffer.from(data).copy(body, 24);
  const sum = Buffer.alloc(2);
  sum.writeUInt16BE(checksum(body));
  return Buffer.concat([body, sum]);
}

export interface RdmResponse {
  destination: Buffer;
  source: Buffer;
  transaction: number;
  responseType: number;
  messageCount: number;
  subDevice: number;
  commandClass: number;
  pid: number;
  data: Buffer;
}

export function decodePacket(packet: Buffer): RdmResponse | { invalid: string } {
  if (packet.length < 26) return { invalid: `${packet.length} bytes is shorter than any RDM packet` };
  if (packet[0] !== SC_RDM || packet[1] !== SC_SUB_MESSAGE) return { invalid: 'not an RDM packet (start code)' };
  const length = packet[2]!;
  if (length < 24 || packet.length < length + 2) return { invalid: `message length ${length} does not match ${packet.length} bytes` };
  const pdl = packet[23]!;
  if (length !== 24 + pdl) return { invalid: `message length ${length} is not 24 + PDL ${pdl}` };
  const expected = checksum(packet.subarray(0, length));
  const got = packet.readUInt16BE(length);
  if (expected !== got) return { invalid: `checksum ${hex4(got)} should be ${hex4(expected)}` };
  return {
    destination: Buffer.from(packet.subarray(3, 9)),
    source: Buffer.from(packet.subarray(9, 15)),
    transaction: packet[15]!,
    responseType: packet[16]!,
    messageCount: packet[17]!,
    subDevice: packet.readUInt16BE(18),
    commandClass: packet[20]!,
    pid: packet.readUInt16BE(21),
    data: Buffer.from(packet.subarray(24, 24 + pdl)),
  };
}

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

export interface DeviceInfo {
  rdmVersion: number;
  modelId: number;
  productCategory: number;
  softwareVersion: number;
  footprint: number;
  personality: number;
  personalities: number;
  startAddress: number;
  subDevices: number;
  sensors: number;
}

/** [E1.20 §10.5.1] DEVICE_INFO: 19 bytes. */
export function decodeDeviceInfo(d: Buffer): DeviceInfo {
  if (d.length !== 19) throw new Error(`DEVICE_INFO has ${d.length} bytes, expected 19`);
  return {
    rdmVersion: d.readUInt16BE(0),
    modelId: d.readUInt16BE(2),
    productCategory: d.readUInt16BE(4),
    softwareVersion: d.readUInt32BE(6),
    footprint: d.readUInt16BE(10),
    personality: d[12]!,
    personalities: d[13]!,
    startAddress: d.readUInt16BE(14),
    subDevices: d.readUInt16BE(16),
    sensors: d[18]!,
  };
}

/** [E1.20 §10.7.2] SENSOR_VALUE: sensor number, present, lowest, highest, recorded (signed 16-bit). */
export function decodeSensorValue(d: Buffer): { sensor: number; present: number; lowest: number; highest: number } {
  if (d.length !== 9) throw new Error(`SENSOR_VALUE has ${d.length} bytes, expected 9`);
  return { sensor: d[0]!, present: d.readInt16BE(1), lowest: d.readInt16BE(3), highest: d.readInt16BE(5) };
}

/** [E1.20 §10.8.1/10.8.2] DEVICE_HOURS, LAMP_HOURS: 32-bit hours. */
export function decodeHours(d: Buffer): number {
  if (d.length !== 4) throw new Error(`hours field has ${d.length} bytes, expected 4`);
  return d.readUInt32BE(0);
}

export interface StatusMessage {
  subDevice: number;
  type: number;
  messageId: number;
  value1: number;
  value2: number;
}

/** [E1.20 §10.3.1] STATUS_MESSAGES: 9 bytes each. */
export function decodeStatusMessages(d: Buffer): StatusMessage[] {
  if (d.length % 9 !== 0) throw new Error(`STATUS_MESSAGES length ${d.length} is not a multiple of 9`);
  const out: StatusMessage[] = [];
  for (let i = 0; i < d.length; i += 9) {
    out.push({
      subDevice: d.readUInt16BE(i),
      type: d[i + 2]!,
      messageId: d.readUInt16BE(i + 3),
      value1: d.readInt16BE(i + 5),
      value2: d.readInt16BE(i + 7),
    });
  }
  return out;
}
