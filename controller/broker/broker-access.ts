/**
 * The embedded broker's login and topic checks, as aedes hooks [aedes: authenticate,
 * authorizePublish, authorizeSubscribe]. A client that logs in gets the rights of its identity
 * (protocols/access.ts); a client without a login is accepted only where anonymous access is allowed
 * (a loopback listener, or `broker.allowAnonymous`), and then keeps the open rights OnAir had before
 * logins. Every refusal is logged with the identity and the topic.
 *
 * Client ids are bound to logins (protocols/access.ts mayUseClientId). The check is made here, in
 * `authenticate`: aedes runs it before it registers the client, which is where it closes an older
 * client of the same id and publishes its will, and before it restores a stored session
 * (aedes lib/handlers/connect.js: authenticate → fetchSubs/restoreSubs → storeWill → registerClient).
 * An anonymous client may use any id except one a logged-in client holds right now: anonymous
 * clients have every right anyway (where they are allowed at all), but never displace a login.
 */
import type { AedesOptions, Client } from 'aedes';
import type { Logger } from '../../lib/logger.ts';
import { payloadBound } from '../../protocols/contract.ts';
import { pictureBound } from '../../protocols/picture-topic.ts';
import { clientIdOwner, mayPublish, mayUseClientId, maySubscribe, type Identity } from '../../protocols/access.ts';
import type { LoginResult } from '../identity/identities.ts';

export interface BrokerAccess {
  /** `source`: the client's address, for the lockout of an address that keeps failing (controller/identity/login-lockout.ts). */
  login(username: string, password: string, source?: string): Promise<LoginResult>;
  allowAnonymous: boolean;
}

const REQUEST_TOPIC = /^onair\/v1\/(?:users\/[^/]+|controller)\/requests\//;
const describe = (who: Identity | undefined): string =>
  !who
    ? 'anonymous'
    : who.kind === 'agent'
      ? `agent ${who.id}`
      : who.kind === 'user'
        ? `user ${who.name} (${who.role})`
        : `controller${who.name ? ` ${who.name}` : ''}`;
/** The address a client connected from (a TCP or TLS socket); undefined for an in-process stream. */
const sourceOf = (client: Client): string | undefined => (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress;
/** [MQTT-3.2.2-3] CONNACK return codes: 4 bad user name or password, 5 not authorised. */
const refusal = (message: string, returnCode: 4 | 5): Error & { returnCode: number } => Object.assign(new Error(message), { returnCode });

export function accessHooks(
  access: BrokerAccess,
  log: Logger,
): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> & { identityOf(client: Client): Identity | undefined } {
  const identities = new WeakMap<Client, Identity>();
  return {
    identityOf: (client) => identities.get(client),
    authenticate(client, username, password, done) {
      /** The client now holding the id, if another: the one a takeover would close. */
      const holderOf = () => {
        const holder = (client as Client & { broker: { clients: Record<string, Client | undefined> } }).broker.clients[client.id];
        return holder && holder !== client ? holder : undefined;
      };
      if (!username) {
        if (!access.allowAnonymous) {
          log.warn({ client: client.id }, 'refused an anonymous MQTT client: logins are required on this listener');
          return done(refusal('a login is required', 5), false);
        }
        const holder = holderOf();
        const held = holder && identities.get(holder);
        if (!held) return done(null, true);
        log.warn(
          { client: client.id.slice(0, 200), identity: 'anonymous', owner: describe(held), source: sourceOf(client) },
          'refused a client id that belongs to another identity',
        );
        return done(refusal(`client id ${client.id} is in use by a login`, 5), false);
      }
      access.login(username, password?.toString('utf8') ?? '', sourceOf(client)).then(
        (result) => {
          if (result.ok && !mayUseClientId(result.identity, client.id)) {
            const holder = holderOf();
            log.warn(
              {
                client: client.id.slice(0, 200),
                identity: describe(result.identity),
                owner: clientIdOwner(client.id),
                ...(holder ? { holder: describe(identities.get(holder)) } : {}),
                source: sourceOf(client),
              },
              'refused a client id that belongs to another identity',
            );
            return done(refusal(`${describe(result.identity)} may not use client id ${client.id.slice(0, 200)}`, 5), false);
          }
          if (result.ok) {
            identities.set(client, result.identity);
            return done(null, true);
          }
          log.warn(
            { client: client.id, username: username.slice(0, 80), reason: result.reason, source: sourceOf(client) },
            'refused an MQTT login',
          );
          done(refusal(result.reason, 4), false);
        },
        (err: Error) => done(refusal(`the login could not be checked: ${err.message}`, 5), false),
      );
    },
    authorizePublish(client, packet, done) {
      // A will aedes publishes after its own restart has no client: only where anyone may publish.
      const who = client ? identities.get(client) : undefined;
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ is reserved')); // aedes' own default check
      // Over the contract's bound for its topic: refused before aedes stores (retained) or forwards it.
      // A live request is left to the controller, which answers one too big with the reason (the
      // frame limit still bounds it); a retained one would be stored, so it is bounded like the rest.
      const bound =
        !packet.retain && REQUEST_TOPIC.test(packet.topic) ? undefined : (payloadBound(packet.topic) ?? pictureBound(packet.topic));
      if (bound !== undefined && packet.payload.length > bound) {
        log.warn(
          {
            client: client?.id,
            identity: describe(who),
            topic: packet.topic.slice(0, 200),
            bytes: packet.payload.length,
            bound,
            retain: packet.retain,
          },
          'refused a publish over its topic’s payload bound (the client is disconnected; nothing is stored)',
        );
        return done(new Error(`${packet.payload.length} bytes on ${packet.topic} is over its bound of ${bound}`));
      }
      if (!who) return done(client || access.allowAnonymous ? null : new Error('not authorised'));
      if (mayPublish(who, packet.topic)) return done(null);
      log.warn(
        { client: client?.id, identity: describe(who), topic: packet.topic.slice(0, 200), retain: packet.retain },
        'refused a publish the identity may not make (the client is disconnected; nothing is stored)',
      );
      done(new Error(`${describe(who)} may not publish on ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const who = identities.get(client);
      if (!who || maySubscribe(who, subscription.topic)) return done(null, subscription);
      log.warn(
        { client: client.id, identity: describe(who), filter: subscription.topic.slice(0, 200) },
        'refused a subscription the identity may not make',
      );
      done(null, null); // negated: SUBACK 0x80 [MQTT-3.9.3]
    },
  };
}
