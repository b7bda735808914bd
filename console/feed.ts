/**
 * The live feed, opened as the page starts (alongside the login check, not after it: the wall's
 * first paint waits for the first picture) and handed to the console when it mounts. What arrives
 * before then is kept and replayed.
 */
import type { ControllerEvent } from '../protocols/events.ts';
import type { StatusData } from '../protocols/schemas.ts';
import { live, type LiveState } from './api.ts';

export interface FeedHandlers {
  status(s: StatusData): void;
  event(e: ControllerEvent): void;
  state(s: LiveState): void;
}

export interface Feed {
  subscribe(h: FeedHandlers): () => void;
  close(): void;
}

const KEEP = 5_000;

export function openFeed(): Feed {
  let status: StatusData | undefined;
  let state: LiveState = 'connecting';
  const early: ControllerEvent[] = [];
  const listeners = new Set<FeedHandlers>();
  const close = live({
    status: (s) => {
      status = s;
      for (const l of listeners) l.status(s);
    },
    event: (e) => {
      if (listeners.size === 0 && early.push(e) > KEEP) early.shift();
      for (const l of listeners) l.event(e);
    },
    state: (s) => {
      state = s;
      for (const l of listeners) l.state(s);
    },
  });
  return {
    subscribe(h) {
      listeners.add(h);
      h.state(state);
      if (status) h.status(status);
      for (const e of early.splice(0)) h.event(e);
      return () => void listeners.delete(h);
    },
    close,
  };
}
