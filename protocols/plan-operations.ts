/** Requests about the studio's plan (shows, tests, schedules, reports): part of the OPERATIONS table. */
import { Type } from '@sinclair/typebox';
import { Checklist, Job, JobKind, JobState, ReliabilityReport, Schedule, ScheduleTarget, Show } from './plan-schemas.ts';
import { Id, SlotId, Timestamp } from './schemas.ts';
import { EnduranceShortfall, WithoutBackup } from './profile.ts';
import { QuietWindow } from './content-policy.ts';

const Empty = Type.Object({}, { additionalProperties: false });

export const MaintenanceItem = Type.Object(
  {
    agent: Id,
    device: Id,
    profile: Type.String(),
    reason: Type.String({ description: 'a wear limit passed, or the profile interval since the last passed test' }),
    since: Type.Union([Timestamp, Type.Null()]),
    /** Who answers for it: the owner of a maintenance schedule that tests the device (issue 23). */
    owner: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const PLAN_OPERATIONS = {
  'show.add': {
    params: Type.Object(
      {
        id: Id,
        studio: Type.String({ minLength: 1 }),
        title: Type.Optional(Type.String()),
        startsAt: Timestamp,
        endsAt: Timestamp,
        slots: Type.Array(SlotId, { minItems: 1 }),
        /** A stream slot (encoders); added to the show's slots if not named there. */
        stream: Type.Optional(SlotId),
        startStream: Type.Optional(Type.Boolean({ description: 'start the stream slot live member at air time, stop it at the end' })),
        preShowMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 60 })),
        withoutBackup: Type.Optional(WithoutBackup),
        enduranceShortfall: Type.Optional(EnduranceShortfall),
        enduranceLeadMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 60 })),
        quiet: Type.Optional(Type.Array(QuietWindow, { maxItems: 100, description: 'planned dark scenes and silences' })),
        owner: Type.Optional(Id),
        emergencyLead: Type.Optional(Id),
      },
      { additionalProperties: false },
    ),
    data: Show,
    description: 'Schedule a show: it goes on air at its start and off at its end by itself; its slots get pre-show self-tests before.',
  },
  'show.quiet': {
    params: Type.Composite([Type.Object({ show: Id }), QuietWindow], { additionalProperties: false }),
    data: Show,
    description:
      "Plan a dark scene or a silence in a show (scheduled or on air): inside the window, these content faults of its slots' members (all by default) fail nothing over.",
  },
  'show.list': {
    params: Type.Object({ studio: Type.Optional(Type.String()), since: Type.Optional(Timestamp) }, { additionalProperties: false }),
    data: Type.Object({ shows: Type.Array(Show) }, { additionalProperties: false }),
    description: 'Shows, oldest start first.',
  },
  'show.start': {
    params: Type.Object({ id: Id, reason: Type.Optional(Type.String()) }, { additionalProperties: false }),
    data: Show,
    description: 'Put a show on air now (an engineer starting it early or by hand).',
  },
  'show.stop': {
    params: Type.Object({ id: Id, reason: Type.Optional(Type.String()) }, { additionalProperties: false }),
    data: Show,
    description: 'Take a show off air now, or cancel one that has not started.',
  },
  preshow: {
    params: Type.Object(
      { show: Id, run: Type.Optional(Type.Boolean({ description: 'run the checks now and answer when done' })) },
      { additionalProperties: false },
    ),
    data: Checklist,
    description: "A show's go/no-go checklist: per slot, whether the primary and each backup passed its self-test.",
  },
  'test.history': {
    params: Type.Object(
      {
        device: Type.Optional(Type.String()),
        kind: Type.Optional(JobKind),
        state: Type.Optional(JobState),
        since: Type.Optional(Timestamp),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
      },
      { additionalProperties: false },
    ),
    data: Type.Object({ jobs: Type.Array(Job) }, { additionalProperties: false }),
    description: 'Test jobs (pre-show, maintenance, manual), newest first.',
  },
  'schedule.add': {
    params: Type.Object(
      {
        id: Id,
        cron: Type.String({ minLength: 1 }),
        timezone: Type.Optional(Type.String()),
        target: ScheduleTarget,
        intrusive: Type.Optional(Type.Boolean()),
        windowMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 })),
        owner: Type.Optional(Id),
      },
      { additionalProperties: false },
    ),
    data: Type.Object(
      { schedule: Schedule, nextRuns: Type.Array(Timestamp), devices: Type.Array(Type.String()) },
      { additionalProperties: false },
    ),
    description:
      'A maintenance test schedule in cron syntax for a device, profile, kind or studio; each occurrence is a maintenance window.',
  },
  'schedule.list': {
    params: Empty,
    data: Type.Object(
      { schedules: Type.Array(Type.Composite([Schedule, Type.Object({ nextRun: Type.Union([Timestamp, Type.Null()]) })])) },
      { additionalProperties: false },
    ),
    description: 'Maintenance schedules with their next run.',
  },
  'schedule.remove': {
    params: Type.Object({ id: Id }, { additionalProperties: false }),
    data: Type.Object({ id: Id }, { additionalProperties: false }),
    description: 'Remove a maintenance schedule (its queued jobs are skipped).',
  },
  'maintenance.due': {
    params: Empty,
    data: Type.Object({ items: Type.Array(MaintenanceItem) }, { additionalProperties: false }),
    description:
      'Maintenance-due items: wear limits passed (lamp hours, battery run time) and profile intervals since the last passed test.',
  },
  report: {
    params: Type.Object(
      {
        since: Type.Optional(Timestamp),
        until: Type.Optional(Timestamp),
        studio: Type.Optional(Type.String()),
        target: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
      },
      { additionalProperties: false },
    ),
    data: ReliabilityReport,
    description:
      'Reliability over a period, from the event log only (so a past period is reproducible): per show, the technical failure rate, per device, test pass rates.',
  },
} as const;
