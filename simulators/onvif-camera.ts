/**
 * An ONVIF Profile S camera (with PTZ) over HTTP/SOAP 1.2 on loopback. Per the ONVIF Core and
 * Media/PTZ service specifications: GetSystemDateAndTime answers without authentication [Core
 * §5.9.4.1]; everything else needs a WS-UsernameToken PasswordDigest = Base64(SHA1(nonce ‖ Created ‖
 * password)) whose Created is close to the camera's own clock, else a NotAuthorized fault [Core
 * §5.12.2]; or, with auth 'digest', HTTP Digest (RFC 2617). The camera's clock can be offset to test
 * clock-skew handling. Parses requests with its own code, sharing nothing with the driver.
 *
 * Two media profiles, as cameras ship them: a main stream (1920x1080) and a low-resolution substream
 * (640x360), with vendor-style tokens (`Profile_1`, `Profile_2`; a client must not assume any name).
 * With `media`, GetStreamUri answers the URL of a real stream the camera owns (MediaSourceSimulator:
 * ffmpeg's test pattern and tone, switchable to black, frozen, silent… by `setContent`). A real
 * camera answers rtsp://; no maintained RTSP server that serves a viewer is packaged in Debian 12 or
 * on npm, so the simulator answers srt:// (an SRT listener) or http:// (HLS) instead. Without `media`
 * (the default: no ffmpeg needed), it answers an rtsp:// URL where nothing listens.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { chosen, type SimulatorLaunch } from './launch.ts';
import { SOURCE_CONTENTS, type SourceContent } from './media-content.ts';
import { CameraStreams, type CameraStreamOptions } from './camera-streams.ts';

/**
 * no-encoder: its media profile has no video encoder configured yet (valid ONVIF: profiles are built
 * up configuration by configuration [Media §5.2]) — the `onvif` library throws on it from inside its
 * own callback.
 */
/** truncated: answers with the headers and half the body, then never finishes (a camera that hangs mid-reply). */
export const ONVIF_FAULTS = ['none', 'dead', 'slow', 'protocol-error', 'no-snapshot', 'no-encoder', 'truncated'] as const;
export type OnvifFault = (typeof ONVIF_FAULTS)[number];

export interface OnvifCameraOptions {
  username?: string;
  password?: string;
  auth?: 'ws-security' | 'digest';
  /** Camera clock minus true time, in ms. */
  clockOffsetMs?: number;
  /** How far a Created timestamp may be from the camera's clock. */
  maxSkewMs?: number;
  moveMs?: number;
  slowMs?: number;
  /** The camera's streams behind GetStreamUri (needs ffmpeg); without, it answers an rtsp:// URL where nothing listens. */
  media?: CameraStreamOptions;
}

/** The media profiles [Media §5.2]: tokens as a vendor names them, the substream last. */
const PROFILES = [
  { token: 'Profile_1', name: 'MainStream', encoder: 'VideoEncoderToken_1', width: 1920, height: 1080, fps: 25, kbps: 4096 },
  { token: 'Profile_2', name: 'SubStream', encoder: 'VideoEncoderToken_2', width: 640, height: 360, fps: 25, kbps: 512 },
] as const;
export type ProfileToken = (typeof PROFILES)[number]['token'];
const isProfileToken = (token: string): token is ProfileToken => PROFILES.some((p) => p.token === token);
/** The profile a request names (the route has refused unknown ones), the main one when it names none. */
const profileOf = (body: string): ProfileToken => {
  const token = /<(?:[\w-]+:)?ProfileToken>([^<]*)</.exec(body)?.[1];
  return token && isProfileToken(token) ? token : 'Profile_1';
};

interface Preset {
  token: string;
  name: string;
  pan: number;
  tilt: number;
  zoom: number;
}

const ENVELOPE = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;

const FAULT = (subcode: string, reason: string) =>
  ENVELOPE(
    `<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>${subcode}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">${reason}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>`,
  );

/** A tiny but valid baseline JPEG (SOI … EOI): what a camera with its lens covered might send. */
export const TINY_JPEG = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9',
  'hex',
);

/**
 * The frame the camera serves: the tiny JPEG with a 20 kB comment segment (COM, FF FE + 16-bit length
 * [ITU-T T.81 §B.2.4.5]) after SOI, so it weighs what a real snapshot does and profile rules on
 * snapshot size (a covered lens or a dead sensor gives a tiny frame) see a healthy camera.
 */
const COMMENT_BYTES = 20_000;
export const SNAPSHOT = Buffer.concat([
  TINY_JPEG.subarray(0, 2),
  Buffer.from([0xff, 0xfe, (COMMENT_BYTES + 2) >> 8, (COMMENT_BYTES + 2) & 0xff]),
  Buffer.alloc(COMMENT_BYTES, 0x20),
  TINY_JPEG.subarray(2),
]);

/** [Core §5.12.2.1] PasswordDigest = Base64(SHA-1(nonce ‖ Created ‖ password)), nonce as raw bytes. */
export function passwordDigest(nonceBase64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceBase64, 'base64'), Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
}

export class OnvifCameraSimulator {
  readonly presets = new Map<string, Preset>([
    ['1', { token: '1', name: 'wide', pan: 0, tilt: 0, zoom: 0 }],
    ['2', { token: '2', name: 'close', pan: 0.2, tilt: -0.1, zoom: 0.6 }],
  ]);
  position = { pan: 0, tilt: 0, zoom: 0 };
  moving = false;
  readonly requests: string[] = [];
  authFailures = 0;
  private server: http.Server | undefined;
  private discovery: dgram.Socket | undefined;
  probesAnswered = 0;
  /** Probes to ignore, as a lossy network would: proves the prober resends. */
  loseProbes = 0;
  private fault: OnvifFault = 'none';
  private readonly o: Required<Omit<OnvifCameraOptions, 'media'>>;
  /** The camera's own streams, with `media`: Profile_1's is `main`, Profile_2's `sub`. */
  readonly streams: CameraStreams | undefined;
  private readonly digestNonces = new Set<string>();
  port = 0;

  constructor(options: OnvifCameraOptions = {}) {
    this.o = {
      username: 'admin',
      password: 'secret',
      auth: 'ws-security',
      clockOffsetMs: 0,
      maxSkewMs: 5_000,
      moveMs: 150,
      slowMs: 1_000,
      ...options,
    };
    this.streams = options.media && new CameraStreams({ name: 'onvif', ...options.media });
  }

  /** The camera's picture and sound on every stream (black: a lens cap, frozen: a hung sensor…). */
  async setContent(content: SourceContent): Promise<void> {
    await this.streams?.setContent(content);
  }

  /** What GetStreamUri answers for a profile. */
  streamUri(token: ProfileToken): string {
    if (!this.streams) return `rtsp://127.0.0.1:554/${token}`;
    return (token === 'Profile_1' ? this.streams.main : this.streams.sub).url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setFault(fault: OnvifFault): void {
    this.fault = fault;
  }

  setClockOffset(ms: number): void {
    this.o.clockOffsetMs = ms;
  }

  async listen(port = 0): Promise<number> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    await this.streams?.start();
    return this.port;
  }

  /**
   * Answers WS-Discovery Probes for NetworkVideoTransmitter [WS-Discovery §5.3] by unicast to the
   * sender. Bound to 127.0.0.1 on a free port: tests probe it by unicast, never multicast.
   */
  async listenForProbes(): Promise<number> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      if (this.fault === 'dead') return;
      const xml = msg.toString('utf8');
      const messageId = /<(?:[\w-]+:)?MessageID>([^<]+)</.exec(xml)?.[1];
      if (!messageId || !/Probe\b/.test(xml) || /ProbeMatches/.test(xml)) return;
      const types = /<(?:[\w-]+:)?Types>([^<]*)</.exec(xml)?.[1] ?? '';
      if (types && !/NetworkVideoTransmitter/.test(types)) return;
      if (this.loseProbes > 0) {
        this.loseProbes -= 1;
        return;
      }
      this.probesAnswered += 1;
      const reply =
        '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
        `<SOAP-ENV:Header><wsa:MessageID>urn:uuid:${randomBytes(16).toString('hex')}</wsa:MessageID><wsa:RelatesTo>${messageId}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>` +
        `<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:onair-sim-${this.port}</wsa:Address></wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/type/ptz onvif://www.onvif.org/name/SimPTZ-20X</d:Scopes><d:XAddrs>${this.url}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
      socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.discovery = socket;
    return socket.address().port;
  }

  async stop(): Promise<void> {
    await this.streams?.stop();
    this.discovery?.close();
    this.discovery = undefined;
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private cameraNow(): Date {
    return new Date(Date.now() + this.o.clockOffsetMs);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    if (this.fault === 'dead') return; // accept, never answer
    const send = (status: number, type: string, payload: string | Buffer, headers: Record<string, string> = {}) => {
      const reply = () => {
        const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
        res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers });
        if (this.fault === 'truncated') return void res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        res.end(bytes);
      };
      if (this.fault === 'slow') setTimeout(reply, this.o.slowMs);
      else reply();
    };
    if (req.method === 'GET' && req.url === '/snapshot.jpg') {
      if (this.fault === 'no-snapshot') return send(200, 'image/jpeg', Buffer.alloc(0));
      if (this.o.auth === 'digest' && !this.digestOk(req)) return this.challenge(res);
      return send(200, 'image/jpeg', SNAPSHOT);
    }
    if (req.method !== 'POST') return send(405, 'text/plain', 'method not allowed');
    const operation = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1];
    if (!operation) return send(400, 'application/soap+xml', FAULT('ter:InvalidArgs', 'no operation in the SOAP body'));
    this.requests.push(operation);
    if (this.fault === 'protocol-error') return send(200, 'application/soap+xml', '<html>Internal error</html>');
    if (operation !== 'GetSystemDateAndTime') {
      if (this.o.auth === 'digest') {
        if (!this.digestOk(req)) return this.challenge(res);
      } else {
        const problem = this.wsSecurityProblem(body);
        if (problem) {
          this.authFailures += 1;
          return send(400, 'application/soap+xml', FAULT('ter:NotAuthorized', `Sender not Authorized: ${problem}`));
        }
      }
    }
    // [Media §5.x / PTZ] an unknown ProfileToken is a fault, as on a real camera.
    const token = /<(?:[\w-]+:)?ProfileToken>([^<]*)</.exec(body)?.[1];
    if (token !== undefined && !isProfileToken(token))
      return send(400, 'application/soap+xml', FAULT('ter:InvalidArgVal', `ter:NoProfile: no profile "${token}"`));
    const answer = this.answer(operation, body);
    if (answer === undefined) return send(400, 'application/soap+xml', FAULT('ter:ActionNotSupported', `${operation} is not supported`));
    send(200, 'application/soap+xml', ENVELOPE(answer));
  }

  /** [Core §5.12.2] WS-UsernameToken with PasswordDigest; Created must be close to our clock. */
  private wsSecurityProblem(body: string): string | undefined {
    const field = (name: string) => new RegExp(`<(?:[\\w-]+:)?${name}[^>]*>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(body)?.[1];
    const username = field('Username');
    const digest = field('Password');
    const nonce = field('Nonce');
    const created = field('Created');
    if (!username || !digest || !nonce || !created) return 'no UsernameToken';
    if (username !== this.o.username) return 'unknown user';
    if (passwordDigest(nonce, created, this.o.password) !== digest) return 'wrong password digest';
    const skew = Math.abs(Date.parse(created) - this.cameraNow().getTime());
    if (!Number.isFinite(skew) || skew > this.o.maxSkewMs) return 'Wsse authorized time check failed';
    return undefined;
  }

  private challenge(res: http.ServerResponse): void {
    const nonce = randomBytes(16).toString('hex');
    this.digestNonces.add(nonce);
    this.authFailures += 1;
    res.writeHead(401, { 'WWW-Authenticate': `Digest realm="onvif", qop="auth", nonce="${nonce}", algorithm=MD5` });
    res.end();
  }

  /** [RFC 2617 §3.2.2] response = MD5(HA1:nonce:nc:cnonce:qop:HA2). */
  private digestOk(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Digest ')) return false;
    const p = Object.fromEntries([...header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
    if (p.username !== this.o.username || !p.nonce || !this.digestNonces.has(p.nonce)) return false;
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const ha1 = md5(`${this.o.username}:${p.realm}:${this.o.password}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }

  /** One media profile [Media §5.2]; with the `no-encoder` fault, none has its video encoder configured yet. */
  private profileXml(p: (typeof PROFILES)[number]): string {
    const encoder =
      this.fault === 'no-encoder'
        ? ''
        : `<tt:VideoEncoderConfiguration token="${p.encoder}"><tt:Name>${p.encoder}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.kbps}</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration>`;
    const ptz =
      '<tt:PTZConfiguration token="ptz"><tt:Name>ptz</tt:Name><tt:UseCount>2</tt:UseCount><tt:NodeToken>node</tt:NodeToken></tt:PTZConfiguration>';
    return `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${p.name}</tt:Name><tt:VideoSourceConfiguration token="vsc"><tt:Name>vsc</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>vs</tt:SourceToken><tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>${encoder}${this.fault === 'no-encoder' ? '' : ptz}</trt:Profiles>`;
  }

  private answer(operation: string, body: string): string | undefined {
    const t = this.cameraNow();
    const base = this.url;
    switch (operation) {
      case 'GetSystemDateAndTime':
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute><tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      case 'GetServices':
        return `<tds:GetServicesResponse>${[
          ['http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service'],
          ['http://www.onvif.org/ver10/media/wsdl', '/onvif/media_service'],
          ['http://www.onvif.org/ver20/ptz/wsdl', '/onvif/ptz_service'],
        ]
          .map(
            ([ns, path]) =>
              `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`,
          )
          .join('')}</tds:GetServicesResponse>`;
      case 'GetDeviceInformation':
        return '<tds:GetDeviceInformationResponse><tds:Manufacturer>OnAir Labs</tds:Manufacturer><tds:Model>SimPTZ-20X</tds:Model><tds:FirmwareVersion>6.3.34</tds:FirmwareVersion><tds:SerialNumber>SIM0001</tds:SerialNumber><tds:HardwareId>1.0</tds:HardwareId></tds:GetDeviceInformationResponse>';
      case 'GetProfiles':
        return `<trt:GetProfilesResponse>${PROFILES.map((p) => this.profileXml(p)).join('')}</trt:GetProfilesResponse>`;
      case 'GetVideoSources':
        return '<trt:GetVideoSourcesResponse><trt:VideoSources token="vs"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>';
      case 'GetStreamUri':
        return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${this.streamUri(profileOf(body))}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${base}/snapshot.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
      case 'GetPresets':
        return `<tptz:GetPresetsResponse>${[...this.presets.values()].map((p) => `<tptz:Preset token="${p.token}"><tt:Name>${p.name}</tt:Name><tt:PTZPosition><tt:PanTilt x="${p.pan}" y="${p.tilt}"/><tt:Zoom x="${p.zoom}"/></tt:PTZPosition></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`;
      case 'GotoPreset': {
        const token = /<(?:[\w-]+:)?PresetToken>([^<]*)</.exec(body)?.[1] ?? '';
        const preset = this.presets.get(token);
        if (!preset) return undefined;
        this.moving = true;
        setTimeout(() => {
          this.position = { pan: preset.pan, tilt: preset.tilt, zoom: preset.zoom };
          this.moving = false;
        }, this.o.moveMs);
        return '<tptz:GotoPresetResponse/>';
      }
      case 'SetPreset': {
        const name = /<(?:[\w-]+:)?PresetName>([^<]*)</.exec(body)?.[1] ?? `preset ${this.presets.size + 1}`;
        const existing = [...this.presets.values()].find((p) => p.name === name);
        const token = existing?.token ?? String(this.presets.size + 1);
        this.presets.set(token, { token, name, ...this.position });
        return `<tptz:SetPresetResponse><tptz:PresetToken>${token}</tptz:PresetToken></tptz:SetPresetResponse>`;
      }
      case 'GetStatus': {
        const p = this.position;
        const state = this.moving ? 'MOVING' : 'IDLE';
        return `<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="${p.pan}" y="${p.tilt}"/><tt:Zoom x="${p.zoom}"/></tt:Position><tt:MoveStatus><tt:PanTilt>${state}</tt:PanTilt><tt:Zoom>${state}</tt:Zoom></tt:MoveStatus><tt:UtcTime>${t.toISOString()}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`;
      }
      default:
        return undefined;
    }
  }
}

const hasFfmpeg = (): boolean => spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).error === undefined;

/**
 * `onair simulate onvif`: a camera on `--port` with its WS-Discovery responder and, where ffmpeg is
 * installed, its streams over SRT. `--fault` takes a control fault (dead, slow…) or the picture and
 * sound it starts with (black, frozen, no-signal, silent, clipping, too-loud, too-quiet).
 */
export const launch: SimulatorLaunch = async (o) => {
  const fault = chosen('fault', o.fault, [...ONVIF_FAULTS, ...SOURCE_CONTENTS.filter((c) => c !== 'normal')]);
  const content = (SOURCE_CONTENTS as readonly string[]).includes(fault) ? (fault as SourceContent) : 'normal';
  const camera = new OnvifCameraSimulator(hasFfmpeg() ? { media: { transport: 'srt', content } } : {});
  if ((ONVIF_FAULTS as readonly string[]).includes(fault)) camera.setFault(fault as OnvifFault);
  const port = await camera.listen(o.port);
  const probes = await camera.listenForProbes();
  const streams = camera.streams
    ? `stream (both profiles, 640x360, ${content}): ${camera.streamUri('Profile_2')}`
    : 'no stream: ffmpeg is not installed';
  return {
    stop: () => camera.stop(),
    description: `ONVIF camera at ${camera.url} (user admin, password "secret"); ${streams}; WS-Discovery on udp 127.0.0.1:${probes} (onair discover --target 127.0.0.1:${probes}). Agent config:\n  - { id: cam-ip-1, driver: onvif, kind: camera, options: { host: 127.0.0.1, port: ${port}, username: admin, passwordEnv: CAM_PASSWORD } }`,
  };
};
