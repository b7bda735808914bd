/**
 * The bodies of Alertmanager's v2 API that OnAir sends and reads, as TypeBox schemas (one source for
 * their types and for checking what a real Alertmanager answers). From Alertmanager v0.25.0
 * api/v2/openapi.yaml (postableAlert, postableSilence, gettableSilence) and docs/configuration.md
 * (<webhook_config>: the message a webhook receiver gets), as Debian 12's 0.25.0 speaks them.
 */
import { Type, type Static } from '@sinclair/typebox';

/** A label set: Alertmanager's labels and annotations are string → string. */
export const LabelSet = Type.Record(Type.String(), Type.String());
export type LabelSet = Static<typeof LabelSet>;

/** An RFC 3339 time, as Alertmanager reads and writes it (a pattern, not a `format`: no format registry is loaded). */
const DateTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' });

/** One element of the array `POST /api/v2/alerts` takes. Labels identify an alert; annotations are replaced by the latest. */
export const PostableAlert = Type.Object(
  {
    labels: LabelSet,
    annotations: Type.Optional(LabelSet),
    startsAt: Type.Optional(DateTime),
    /** Only when the end is known (resolved); without it Alertmanager ends the alert resolve_timeout after it last heard it. */
    endsAt: Type.Optional(DateTime),
    generatorURL: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PostableAlert = Static<typeof PostableAlert>;

export const Matcher = Type.Object(
  { name: Type.String(), value: Type.String(), isRegex: Type.Boolean(), isEqual: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type Matcher = Static<typeof Matcher>;

/** `POST /api/v2/silences`: with `id`, updates that silence. */
export const PostableSilence = Type.Object(
  {
    id: Type.Optional(Type.String()),
    matchers: Type.Array(Matcher, { minItems: 1 }),
    startsAt: DateTime,
    endsAt: DateTime,
    createdBy: Type.String(),
    comment: Type.String(),
  },
  { additionalProperties: false },
);
export type PostableSilence = Static<typeof PostableSilence>;

/** `POST /api/v2/silences` answers the silence's id. */
export const SilenceCreated = Type.Object({ silenceID: Type.String() });

/** `GET /api/v2/silence/{id}` and the items of `GET /api/v2/silences` (the fields OnAir reads). */
export const GettableSilence = Type.Object({
  id: Type.String(),
  matchers: Type.Array(Matcher),
  startsAt: DateTime,
  endsAt: DateTime,
  createdBy: Type.String(),
  comment: Type.String(),
  status: Type.Object({ state: Type.Union([Type.Literal('expired'), Type.Literal('active'), Type.Literal('pending')]) }),
});
export type GettableSilence = Static<typeof GettableSilence>;

/** `GET /api/v2/alerts` items (the fields OnAir's tests read). */
export const GettableAlert = Type.Object({
  labels: LabelSet,
  annotations: LabelSet,
  startsAt: DateTime,
  endsAt: DateTime,
  fingerprint: Type.String(),
  status: Type.Object({
    state: Type.Union([Type.Literal('unprocessed'), Type.Literal('active'), Type.Literal('suppressed')]),
    silencedBy: Type.Array(Type.String()),
    inhibitedBy: Type.Array(Type.String()),
  }),
});
export type GettableAlert = Static<typeof GettableAlert>;

/** What a webhook receiver gets (version "4"). A firing alert's endsAt is Go's zero time, "0001-01-01T00:00:00Z". */
export const WebhookMessage = Type.Object({
  version: Type.String(),
  receiver: Type.String(),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  alerts: Type.Array(
    Type.Object({
      status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
      labels: LabelSet,
      annotations: LabelSet,
      startsAt: DateTime,
      endsAt: DateTime,
      generatorURL: Type.String(),
      fingerprint: Type.String(),
    }),
  ),
  groupLabels: LabelSet,
  commonLabels: LabelSet,
  commonAnnotations: LabelSet,
  externalURL: Type.String(),
  groupKey: Type.String(),
  truncatedAlerts: Type.Integer(),
});
export type WebhookMessage = Static<typeof WebhookMessage>;
