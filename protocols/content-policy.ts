/**
 * What the controller does with a content fault (issue 22, "Decisions"): the slot's choice between
 * failing over and alarming, the faults a slot allows (a scene that may be dark, a picture that may be
 * still, a planned silence),
 * the quiet windows a show plans (a dark scene from 20:14 to 20:16), and the words alarms and reports
 * use. The rule that applies them is the failover rule's (protocols/failure-detection.ts
 * `judgeContent`); docs/media.md, "Decisions and the report", explains it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ContentFault, type MediaRole } from './media.ts';
import { SlotId, Timestamp } from './schemas.ts';

/** The faults a media watch names, for the CLI's choices. */
export { CONTENT_FAULTS } from './media.ts';

/** failover (default): a content fault of a live member is a failure like any other; alarm: a person decides. */
export const OnContentFault = Type.Union([Type.Literal('failover'), Type.Literal('alarm')], {
  description: 'a live member whose only failure is its picture, sound or playback: fail it over (default), or raise an alarm and keep it',
});
export type OnContentFault = Static<typeof OnContentFault>;

/** A planned dark scene or silence: inside it, these faults of these slots' members are no failure. */
export const QuietWindow = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    faults: Type.Optional(Type.Array(ContentFault, { minItems: 1, description: 'default: every content fault' })),
    slots: Type.Optional(Type.Array(SlotId, { minItems: 1, description: 'default: every slot of the show' })),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type QuietWindow = Static<typeof QuietWindow>;

/**
 * What one member's slots allow now, as the tracking step reads it: built by the controller from the
 * slot definitions and the shows' quiet windows (controller/failover/content-policy.ts), and sent to an
 * agent with each slot it fails over alone (LocalSlot.content), so its carry-on judges as the controller does.
 */
export const ContentTolerance = Type.Object(
  {
    onContentFault: OnContentFault,
    /** Faults allowed whatever the time: black with mayBeDark, frozen with mayBeStill, silent with maySilence. */
    allowed: Type.Array(ContentFault),
    /** Faults allowed inside a window (its faults, or all of them). */
    windows: Type.Array(
      Type.Object(
        { from: Timestamp, to: Timestamp, faults: Type.Optional(Type.Array(ContentFault, { minItems: 1 })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ContentTolerance = Static<typeof ContentTolerance>;

/** The flags of a slot definition this rule reads. */
export interface SlotContentFlags {
  onContentFault?: OnContentFault;
  mayBeDark?: boolean;
  mayBeStill?: boolean;
  maySilence?: boolean;
}

export const allowedBy = (s: SlotContentFlags): ContentFault[] => [
  ...(s.mayBeDark ? (['black'] as const) : []),
  ...(s.mayBeStill ? (['frozen'] as const) : []),
  ...(s.maySilence ? (['silent'] as const) : []),
];

/**
 * The report's columns: what viewers saw (black, frozen, silent program; stalled playback). No
 * signal on the program is a picture viewers do not get: counted as black.
 */
export const COUNTED_FAULTS = { black: 'black', 'no-signal': 'black', frozen: 'frozen', silent: 'silent', stalled: 'stalled' } as const;
export type CountedFault = (typeof COUNTED_FAULTS)[keyof typeof COUNTED_FAULTS];
export const countedAs = (f: ContentFault): CountedFault | undefined => (COUNTED_FAULTS as Partial<Record<ContentFault, CountedFault>>)[f];

/** What an alarm calls a fault of the program or the playback: "black program", "platform output stalled". */
export function outputFaultName(role: Exclude<MediaRole, 'source'>, fault: ContentFault): string {
  if (role === 'program') return fault === 'no-signal' ? 'program lost its signal' : `${fault} program`;
  if (fault === 'stalled') return 'platform output stalled';
  if (fault === 'behind') return 'platform output behind';
  return fault === 'no-signal' ? 'platform output lost its signal' : `${fault} platform output`;
}
