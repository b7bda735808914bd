/** Scenario names, kept apart so `onair --help` does not load the studio. */
export const SCENARIOS = ['camera-failure', 'agent-crash', 'stream-failure', 'picture-black', 'sound-silent', 'battery'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Scenarios that need real picture and sound (ffmpeg) or the wire-protocol simulators' media and batteries. */
export const MEDIA_SCENARIOS = ['picture-black', 'sound-silent', 'battery'] as const satisfies readonly Scenario[];
export type MediaScenario = (typeof MEDIA_SCENARIOS)[number];
export const isMediaScenario = (s: Scenario): s is MediaScenario => (MEDIA_SCENARIOS as readonly Scenario[]).includes(s);
