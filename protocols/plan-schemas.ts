/**
 * The studio's plan: shows, test jobs (pre-show, maintenance, manual), maintenance schedules,
 * pre-show checklists and reliability reports. Shared: the controller validates with these, the CLI
 * reads them, docs/schemas/ publishes them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { SelfTestReport } from './registry-operations.ts';
import { Id, SlotId, Timestamp } from './schemas.ts';
import { EnduranceShortfall, WithoutBackup } from './profile.ts';
import { QuietWindow } from './content-policy.ts';
import { ContentFault } from './media.ts';

const Nullable = <T extends ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ShowState = Type.Union([Type.Literal('scheduled'), Type.Literal('on_air'), Type.Literal('ended'), Type.Literal('cancelled')]);
export type ShowState = Static<typeof ShowState>;

export const Show = Type.Object(
  {
    id: Id,
    studio: Type.String({ minLength: 1 }),
    title: Type.String(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    slots: Type.Array(SlotId, { minItems: 1 }),
    /** The stream slot (its members are encoders): one of `slots`, failed over like any other. */
    stream: Type.Optional(SlotId),
    /** The show starts its stream at air time and stops it at its end. */
    startStream: Type.Optional(Type.Boolean()),
    preShowMinutes: Type.Number({ minimum: 0, description: 'pre-show self-tests start this long before startsAt' }),
    /** For every slot of the show, over the primaries' profiles. */
    withoutBackup: Type.Optional(WithoutBackup),
    /** Gear forecast to run out before the end: NO-GO or a warning (over the primaries' profiles; default warning). */
    enduranceShortfall: Type.Optional(EnduranceShortfall),
    /** On air, a forecast shortfall is raised this long before the gear runs out (default 10). */
    enduranceLeadMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 60 })),
    /** Planned dark scenes and silences: their faults fail nothing over (protocols/content-policy.ts). */
    quiet: Type.Optional(Type.Array(QuietWindow)),
    /** Its responsible engineer, told first about its faults while it runs or is in pre-show (protocols/alerting.ts). */
    owner: Type.Optional(Id),
    /** Its emergency lead: told when the owner does not acknowledge in time. */
    emergencyLead: Type.Optional(Id),
    state: ShowState,
    startedAt: Nullable(Timestamp),
    endedAt: Nullable(Timestamp),
  },
  { additionalProperties: false },
);
export type Show = Static<typeof Show>;

export const JobState = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('passed'),
    Type.Literal('failed'),
    Type.Literal('timed_out'),
    Type.Literal('skipped'),
  ],
  { description: 'queued → running → passed | failed | timed_out; or skipped (with the reason)' },
);
export type JobState = Static<typeof JobState>;

/** The states a job ends in: nothing changes it after one of these. */
export const FINISHED_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>(['passed', 'failed', 'timed_out', 'skipped']);

export const JobKind = Type.Union([Type.Literal('maintenance'), Type.Literal('preshow'), Type.Literal('manual')]);
export type JobKind = Static<typeof JobKind>;

export const Job = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    kind: JobKind,
    agent: Id,
    device: Id,
    /** Intrusive steps allowed (never on gear that is on air or about to be). */
    intrusive: Type.Boolean(),
    state: JobState,
    reason: Type.Optional(Type.String()),
    show: Type.Optional(Id),
    schedule: Type.Optional(Id),
    /** Who asked for a manual test (scheduled ones are the scheduler's). */
    requestedBy: Type.Optional(Type.String()),
    attempt: Type.Integer({ minimum: 1 }),
    /** The job this one repeats (a retry, or a run interrupted by a restart). */
    retryOf: Type.Optional(Type.Integer()),
    createdAt: Timestamp,
    notBefore: Timestamp,
    /** Not started by then → skipped (the maintenance window is over, the show has started). */
    startBy: Type.Optional(Timestamp),
    startedAt: Type.Optional(Timestamp),
    finishedAt: Type.Optional(Timestamp),
    report: Type.Optional(SelfTestReport),
    /** Who answers for it (a maintenance job: its schedule's owner) and by when it must have passed. */
    owner: Type.Optional(Id),
    dueAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type Job = Static<typeof Job>;

export const ScheduleTarget = Type.Object(
  {
    device: Type.Optional(Type.String({ minLength: 1, description: 'agent/device or a device id' })),
    profile: Type.Optional(Type.String({ minLength: 1 })),
    kind: Type.Optional(Type.String({ minLength: 1 })),
    studio: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: 'which registered devices: all of the given conditions hold' },
);

export const Schedule = Type.Object(
  {
    id: Id,
    /** Cron syntax (croner: 5 or 6 fields); each occurrence opens a maintenance window. */
    cron: Type.String({ minLength: 1 }),
    timezone: Type.Optional(Type.String({ description: "IANA zone, e.g. Europe/Berlin; default the controller machine's" })),
    target: ScheduleTarget,
    intrusive: Type.Boolean(),
    windowMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, description: 'a job not started within the window is skipped' }),
    createdAt: Timestamp,
    createdBy: Type.String(),
    /** The person (protocols/alerting.ts) who answers for these inspections: the monthly report names them when overdue. */
    owner: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type Schedule = Static<typeof Schedule>;

export const ChecklistMember = Type.Object(
  {
    agent: Id,
    device: Id,
    role: Type.Union([Type.Literal('primary'), Type.Literal('backup')]),
    ready: Type.Boolean(),
    result: JobState,
    attempts: Type.Integer({ minimum: 0 }),
    step: Type.Optional(Type.String({ description: 'the failing step' })),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** Will a device last the show: one forecast (controller/plan/endurance.ts). */
export const EnduranceVerdict = Type.Object(
  {
    agent: Id,
    device: Id,
    runsOut: Type.String({ description: 'what runs out: battery, lamp life, or a metric reaching its limit' }),
    metric: Type.String(),
    outcome: Type.Union([Type.Literal('lasts'), Type.Literal('short'), Type.Literal('unknown')], {
      description: 'short: runs out before the show ends; unknown: no usable reading',
    }),
    endsAt: Type.Union([Timestamp, Type.Null()], { description: 'when it runs out (null: unknown, or not heading to its limit)' }),
    showEndsAt: Timestamp,
    marginMs: Type.Union([Type.Integer(), Type.Null()], { description: 'endsAt - showEndsAt: negative is short' }),
    rough: Type.Optional(Type.Boolean({ description: 'an estimate from a coarse reading (battery bars)' })),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type EnduranceVerdict = Static<typeof EnduranceVerdict>;

export const ChecklistSlot = Type.Object(
  {
    slot: SlotId,
    go: Type.Boolean({
      description: 'something ready to put on air (the primary, or a backup) and, if every backup failed, the show or profile accepts that',
    }),
    verdict: Type.Optional(
      Type.Union([Type.Literal('go'), Type.Literal('go-no-backup'), Type.Literal('no-go')], {
        description:
          'go-no-backup: the primary is ready, every backup failed its self-test, and the policy (show, profile, kind) accepts that; the same case is no-go otherwise',
      }),
    ),
    members: Type.Array(ChecklistMember),
    proposal: Type.Optional(Type.String({ description: 'what an engineer should do before air' })),
    swapped: Type.Optional(Type.Boolean({ description: "the slot's policy put the ready backup in place" })),
    endurance: Type.Optional(Type.Array(EnduranceVerdict, { description: 'will the members last the show: their forecasts' })),
    enduranceShortfall: Type.Optional(
      Type.Union([Type.Literal('no-go'), Type.Literal('warning')], {
        description: 'the member going on air is forecast to run out before the show ends, counted as the policy says',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Checklist = Type.Object(
  {
    show: Id,
    studio: Type.String(),
    startsAt: Timestamp,
    startedAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    go: Type.Boolean(),
    slots: Type.Array(ChecklistSlot),
    /** Program switchers the show's slots cut on that are in no slot of their own: one that is not ready is NO-GO. */
    switchers: Type.Optional(Type.Array(ChecklistMember)),
  },
  { additionalProperties: false },
);
export type Checklist = Static<typeof Checklist>;

const PassRate = Type.Object(
  {
    passed: Type.Integer(),
    failed: Type.Integer({ description: 'failed or timed out' }),
    skipped: Type.Integer(),
    passRate: Type.Union([Type.Number(), Type.Null()], { description: 'passed / (passed + failed); null when none ran' }),
  },
  { additionalProperties: false },
);

export const ReliabilityReport = Type.Object(
  {
    since: Timestamp,
    until: Timestamp,
    studio: Type.Optional(Type.String()),
    target: Type.Number({ description: 'the technical failure rate the studio plans for (0.01 = 1%)' }),
    onAirMs: Type.Integer(),
    downOnAirMs: Type.Integer({ description: "on-air time with at least one of the show's slots down" }),
    technicalFailureRate: Type.Union([Type.Number(), Type.Null()], { description: 'downOnAirMs / onAirMs; null without on-air time' }),
    targetMet: Type.Union([Type.Boolean(), Type.Null()]),
    shows: Type.Array(
      Type.Object(
        {
          show: Id,
          title: Type.String(),
          studio: Type.String(),
          startedAt: Timestamp,
          endedAt: Timestamp,
          onAirMs: Type.Integer(),
          downMs: Type.Integer(),
          failures: Type.Array(
            Type.Object(
              { ts: Timestamp, agent: Type.String(), device: Type.String(), to: Type.String(), reason: Type.String() },
              { additionalProperties: false },
            ),
          ),
          failovers: Type.Array(
            Type.Object(
              {
                ts: Timestamp,
                slot: SlotId,
                from: Type.String(),
                to: Type.String(),
                by: Type.String(),
                reason: Type.String(),
                succeeded: Type.Boolean(),
                recoverMs: Type.Union([Type.Integer(), Type.Null()], {
                  description:
                    'from the failure (its first failed probe, when the agent saw it) or the request, to the backup confirmed active',
                }),
                detectMs: Type.Union([Type.Integer(), Type.Null()], {
                  description: 'from the first failed probe to the failure declared (null: not measured, e.g. a manual failover)',
                }),
              },
              { additionalProperties: false },
            ),
          ),
          slots: Type.Array(
            Type.Object({ slot: SlotId, degradedMs: Type.Integer(), downMs: Type.Integer() }, { additionalProperties: false }),
          ),
          stream: Type.Optional(
            Type.Object(
              {
                slot: SlotId,
                framesDropped: Type.Integer({ description: 'frames the live encoders dropped while the show was on air' }),
                reconnects: Type.Integer({ description: 'times the stream lost its ingest and reconnected' }),
                longestOutageMs: Type.Integer({ description: 'longest time the stream was reconnecting, stopped or offline' }),
                impairedMs: Type.Integer({ description: 'time the stream was down or degraded (counted in the technical failure rate)' }),
                impairments: Type.Array(
                  Type.Object({ from: Timestamp, to: Timestamp, cause: Type.String() }, { additionalProperties: false }),
                ),
              },
              { additionalProperties: false, description: "the show's stream, when it names a stream slot" },
            ),
          ),
          content: Type.Object(
            {
              blackMs: Type.Integer({ description: 'black program or playback (no signal counts as black), counted in downMs' }),
              frozenMs: Type.Integer({ description: 'frozen program or playback, counted in downMs' }),
              silentMs: Type.Integer({ description: 'silent program or playback, counted in downMs' }),
              stalledMs: Type.Integer({ description: 'stalled playback, counted in downMs' }),
              faults: Type.Array(
                Type.Object(
                  {
                    from: Timestamp,
                    to: Timestamp,
                    agent: Type.String(),
                    device: Type.String(),
                    role: Type.Union([Type.Literal('program'), Type.Literal('playback')]),
                    fault: ContentFault,
                  },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false, description: "what viewers saw: the program's and the playback's content faults on air" },
          ),
          programCuts: Type.Array(
            Type.Object(
              {
                ts: Timestamp,
                slot: SlotId,
                switcher: Type.String(),
                from: Type.String({ description: "the failed member's program source" }),
                to: Type.String(),
                cut: Type.Boolean({ description: 'false: the program showed another source and was left alone' }),
                sinceFailoverMs: Type.Integer({ description: 'from the failover decision to the switcher confirming the take' }),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    devices: Type.Array(
      Type.Object(
        {
          agent: Type.String(),
          device: Type.String(),
          observedMs: Type.Integer(),
          downMs: Type.Integer(),
          availability: Type.Union([Type.Number(), Type.Null()]),
          failures: Type.Integer(),
          mtbfMs: Type.Union([Type.Integer(), Type.Null()], { description: 'up time / failures' }),
          mttrMs: Type.Union([Type.Integer(), Type.Null()], { description: 'down time / repairs' }),
        },
        { additionalProperties: false },
      ),
    ),
    tests: Type.Object({ preshow: PassRate, maintenance: PassRate }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type ReliabilityReport = Static<typeof ReliabilityReport>;
