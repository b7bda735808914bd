/**
 * An ONVIF camera's own stream for its media watch (agent/drivers/onvif/media-feed.ts). The SOAP is
 * written out in the form of the ONVIF Media Service (ver10 media.wsdl: trt:GetProfilesResponse with
 * tt:Profile, its tt:VideoEncoderConfiguration's tt:Resolution; trt:GetStreamUriResponse with
 * tt:MediaUri), with tokens a camera might choose — not "main"/"sub", and one that looks like a number
 * (the onvif library turns such text into a number). It is served over loopback HTTP, so the real
 * library sends the real requests and parses the real answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cam } from 'onvif';
import { cameraStream, chooseMediaProfile, withCredentials } from '../../../agent/drivers/onvif/media-feed.ts';

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:trt="http://www.onvif.org/ver10/media/wsdl">
  <SOAP-ENV:Body>${body}</SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;

const profile = (token: string, name: string, width: number, height: number) => `
    <trt:Profiles token="${token}" fixed="true">
      <tt:Name>${name}</tt:Name>
      <tt:VideoSourceConfiguration token="vsc_0">
        <tt:Name>VideoSource</tt:Name><tt:UseCount>3</tt:UseCount><tt:SourceToken>vs_0</tt:SourceToken>
        <tt:Bounds x="0" y="0" width="1920" height="1080"/>
      </tt:VideoSourceConfiguration>
      <tt:VideoEncoderConfiguration token="vec_${token}">
        <tt:Name>${name} encoder</tt:Name><tt:UseCount>1</tt:UseCount>
        <tt:Encoding>H264</tt:Encoding>
        <tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution>
        <tt:Quality>4</tt:Quality>
        <tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl>
        <tt:H264><tt:GovLength>50</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>
        <tt:SessionTimeout>PT60S</tt:SessionTimeout>
      </tt:VideoEncoderConfiguration>
    </trt:Profiles>`;

const GET_PROFILES_RESPONSE = envelope(`
  <trt:GetProfilesResponse>${profile('prof_main_1', 'MainStream', 1920, 1080)}${profile('7', 'ThirdStream', 1280, 720)}${profile('prof_sub_2', 'SubStream', 640, 360)}
  </trt:GetProfilesResponse>`);

const streamUriResponse = (uri: string) =>
  envelope(`
  <trt:GetStreamUriResponse>
    <trt:MediaUri>
      <tt:Uri>${uri}</tt:Uri>
      <tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>
      <tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>
      <tt:Timeout>PT0S</tt:Timeout>
    </trt:MediaUri>
  </trt:GetStreamUriResponse>`);

let server: http.Server;
let port: number;
const requests: string[] = [];
let streamUri = 'rtsp://127.0.0.1:8554/Streaming/Channels/102';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push(body);
      res.setHeader('Content-Type', 'application/soap+xml; charset=utf-8');
      res.end(body.includes('GetProfiles') ? GET_PROFILES_RESPONSE : streamUriResponse(streamUri));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The library's camera, pointed at the media service as GetServices would have told it. */
function camera(): Cam {
  const cam = new Cam({ hostname: '127.0.0.1', port, autoconnect: false, timeout: 2_000 });
  Object.assign(cam, { uri: { media: new URL(`http://127.0.0.1:${port}/onvif/Media`) } });
  return cam;
}

describe('the media profile to watch', () => {
  const parsed = [
    { $: { token: 'prof_main_1' }, videoEncoderConfiguration: { resolution: { width: 1920, height: 1080 } } },
    { $: { token: 7 }, videoEncoderConfiguration: { resolution: { width: 1280, height: 720 } } },
    { $: { token: 'prof_sub_2' }, videoEncoderConfiguration: { resolution: { width: 640, height: 360 } } },
    { $: { token: 'audio_only' } },
  ];

  it('is the lowest-resolution one (a substream) unless one is named; a profile without video comes last', () => {
    expect(chooseMediaProfile(parsed)).toBe('prof_sub_2');
    expect(chooseMediaProfile(parsed, '7')).toBe('7');
    expect(chooseMediaProfile([parsed[3]!, parsed[0]!])).toBe('prof_main_1');
  });

  it('names the profiles the camera has when the one asked for is not there', () => {
    expect(() => chooseMediaProfile(parsed, 'Profile_2')).toThrow(
      'no media profile "Profile_2"; the camera has: prof_main_1 (1920x1080), 7 (1280x720), prof_sub_2 (640x360), audio_only',
    );
    expect(() => chooseMediaProfile([])).toThrow('GetProfiles answered no media profile');
  });
});

describe("the stream URI's credentials", () => {
  it("puts the camera's account into an RTSP URI without one, encoded, and leaves a URI that has one, or another scheme, alone", () => {
    expect(withCredentials('rtsp://10.1.2.3:554/Streaming/Channels/102', 'admin', 'p@ss:w/rd')).toBe(
      'rtsp://admin:p%40ss%3Aw%2Frd@10.1.2.3:554/Streaming/Channels/102',
    );
    expect(withCredentials('rtsp://viewer:abc@10.1.2.3/live', 'admin', 'x')).toBe('rtsp://viewer:abc@10.1.2.3/live');
    expect(withCredentials('rtsp://10.1.2.3/live', undefined, 'x')).toBe('rtsp://10.1.2.3/live');
    expect(withCredentials('srt://10.1.2.3:9000?mode=caller', 'admin', 'x'), 'not an RTSP login').toBe('srt://10.1.2.3:9000?mode=caller');
  });
});

describe('GetProfiles then GetStreamUri, over HTTP with the onvif library', () => {
  it('asks RTP-Unicast over RTSP for the substream and answers its URI with the credentials in it', async () => {
    requests.length = 0;
    const feed = await cameraStream(camera(), { fromDriver: 'stream' }, { username: 'operator', password: 'rack-secret' });
    expect(feed).toEqual({ kind: 'url', url: 'rtsp://operator:rack-secret@127.0.0.1:8554/Streaming/Channels/102' });
    expect(requests).toHaveLength(2);
    expect(requests[0]).toContain('<GetProfiles xmlns="http://www.onvif.org/ver10/media/wsdl"/>');
    const ask = requests[1]!.replace(/\s+xmlns="[^"]*"/g, '');
    expect(ask).toContain(
      '<GetStreamUri><StreamSetup><Stream>RTP-Unicast</Stream><Transport><Protocol>RTSP</Protocol></Transport></StreamSetup><ProfileToken>prof_sub_2</ProfileToken></GetStreamUri>',
    );
  });

  it('asks for the media profile named, even a numeric-looking token', async () => {
    requests.length = 0;
    await cameraStream(camera(), { fromDriver: 'stream', mediaProfile: '7' }, {});
    expect(requests[1]).toContain('<ProfileToken>7</ProfileToken>');
  });

  it('says what went wrong when the camera answers no URI, and refuses screenshots', async () => {
    streamUri = '';
    await expect(cameraStream(camera(), { fromDriver: 'stream' }, {})).rejects.toThrow(
      'GetStreamUri for media profile prof_sub_2 answered no URI',
    );
    streamUri = 'rtsp://127.0.0.1:8554/Streaming/Channels/102';
    await expect(cameraStream(camera(), { fromDriver: 'screenshots' }, {})).rejects.toThrow(
      'an ONVIF camera gives its stream, not screenshots',
    );
  });
});
