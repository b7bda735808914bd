/**
 * Signed, single-use, expiring acknowledgement links (controller/alerting/types.ts AckLinks).
 * token = base64url(payload) "." base64url(HMAC-SHA256(key, base64url(payload))), payload
 * {alert, person?, exp, nonce}. The key is random, made once and kept in `alerting_keys` (the shared
 * store: a standby that takes over accepts the links the old leader sent). A redeemed token's nonce
 * is written to `ack_tokens` in the same transaction as the check, so a token acknowledges once even
 * when two clicks race. The token is the credential: whoever holds the link may acknowledge.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AckLinks } from '../types.ts';

const KEY_NAME = 'ack-link-hmac';

const PayloadSchema = Type.Object(
  {
    alert: Type.Integer({ minimum: 1 }),
    person: Type.Optional(Type.String({ maxLength: 64 })),
    exp: Type.Integer(),
    nonce: Type.String({ minLength: 16, maxLength: 64 }),
  },
  { additionalProperties: false },
);
type Payload = Static<typeof PayloadSchema>;
const Payload = TypeCompiler.Compile(PayloadSchema);

/** Why a token is refused: forged (or mangled), expired, or used already. */
export type AckRefusal = 'forged' | 'expired' | 'used';
export type AckCheck = { ok: true; alert: number; person?: string } | { ok: false; reason: AckRefusal };

export class SignedAckLinks implements AckLinks {
  private key: Buffer | undefined;
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    private readonly ttlMs: number,
  ) {
    this.sql = {
      key: db.prepare('SELECT value FROM alerting_keys WHERE name = ?'),
      makeKey: db.prepare('INSERT OR IGNORE INTO alerting_keys (name, value) VALUES (?, ?)'),
      used: db.prepare('SELECT 1 FROM ack_tokens WHERE nonce = ?'),
      use: db.prepare('INSERT INTO ack_tokens (nonce, used_at) VALUES (?, ?)'),
      // A nonce older than a token lives cannot be presented again unexpired: forget it.
      forget: db.prepare('DELETE FROM ack_tokens WHERE used_at < ?'),
    };
  }

  issue(alert: number, person: string | undefined, at: number): string {
    const payload: Payload = { alert, ...(person ? { person } : {}), exp: at + this.ttlMs, nonce: randomBytes(16).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body).toString('base64url')}`;
  }

  /** Checks a token without using it up (the page a GET shows). */
  check(token: string, at: number): AckCheck {
    const payload = this.verified(token);
    if (!payload) return { ok: false, reason: 'forged' };
    if (at >= payload.exp) return { ok: false, reason: 'expired' };
    if (this.sql.used.get(payload.nonce)) return { ok: false, reason: 'used' };
    return { ok: true, alert: payload.alert, ...(payload.person ? { person: payload.person } : {}) };
  }

  redeem(token: string, at: number): AckCheck {
    return this.db
      .transaction((): AckCheck => {
        const checked = this.check(token, at);
        if (!checked.ok) return checked;
        this.sql.forget.run(at - this.ttlMs);
        this.sql.use.run(this.verified(token)!.nonce, at);
        return checked;
      })
      .immediate();
  }

  private verified(token: string): Payload | undefined {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = this.sign(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return Payload.Check(payload) ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.secret()).update(body).digest();
  }

  /** Read (or made) at first use, not at construction: only the leader issues and redeems, and it reads the shared store's key. */
  private secret(): Buffer {
    if (!this.key) {
      this.sql.makeKey.run(KEY_NAME, randomBytes(32).toString('base64'));
      this.key = Buffer.from((this.sql.key.get(KEY_NAME) as { value: string }).value, 'base64');
    }
    return this.key;
  }
}
