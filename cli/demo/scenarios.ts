/** Scenario names, kept apart so `onair --help` does not load the studio. */
export const SCENARIOS = ['camera-failure', 'agent-crash', 'stream-failure'] as const;
export type Scenario = (typeof SCENARIOS)[number];
