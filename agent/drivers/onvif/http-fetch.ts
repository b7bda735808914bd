/** GET a URL with a deadline, answering an HTTP Digest challenge [RFC 2617 §3.2.2] if the camera sends one. */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

export async function fetchBytes(url: string, o: { username?: string; password?: string; timeoutMs: number }): Promise<Buffer> {
  const first = await get(url, undefined, o.timeoutMs);
  if (first.status !== 401) return check(first, url);
  const challenge = first.headers['www-authenticate'];
  if (typeof challenge !== 'string' || !challenge.startsWith('Digest ') || !o.username) throw new Error(`${url}: 401 Unauthorized`);
  const p = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
  const path = new URL(url).pathname;
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${o.username}:${p.realm}:${o.password ?? ''}`);
  const ha2 = md5(`GET:${path}`);
  const response = p.qop ? md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  const auth = `Digest username="${o.username}", realm="${p.realm}", nonce="${p.nonce}", uri="${path}", response="${response}"${p.qop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : ''}`;
  return check(await get(url, auth, o.timeoutMs), url);
}

function check(r: { status: number; body: Buffer }, url: string): Buffer {
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  return r.body;
}

function get(
  url: string,
  authorization: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: authorization ? { Authorization: authorization } : {}, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
