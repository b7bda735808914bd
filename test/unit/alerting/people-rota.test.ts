/** Who is told at each level, from literal rotas: a hand-over at 08:00:00 exactly, a '*' shift, shows in pre-show. */
import { describe, expect, it } from 'vitest';
import type { DutyShift, Person, Studio } from '../../../protocols/alerting.ts';
import type { Show } from '../../../protocols/plan-schemas.ts';
import { dutyAt, recipientIds, recipients, type RotaWorld } from '../../../controller/alerting/people/rota.ts';

const at = (hhmmss: string): number => Date.parse(`2026-12-07T${hhmmss}Z`);
const person = (id: string): Person => ({ id, name: id, contacts: [] });
const shift = (id: number, studio: string, who: string, from: string, to: string): DutyShift => ({
  id,
  studio,
  person: who,
  from: at(from),
  to: at(to),
});
const show = (over: Partial<Show>): Show => ({
  id: 'news',
  studio: 'studio-a',
  title: 'news',
  startsAt: at('19:00:00'),
  endsAt: at('20:00:00'),
  slots: ['studio-a/cam-wide'],
  preShowMinutes: 30,
  state: 'scheduled',
  startedAt: null,
  endedAt: null,
  ...over,
});

const studioA: Studio = { id: 'studio-a', responsible: 'wang', emergencyLead: 'li', manager: 'zhao' };
const studioB: Studio = { id: 'studio-b', responsible: 'chen' };
const world = (over: Partial<RotaWorld> = {}): RotaWorld => ({
  people: ['wang', 'li', 'zhao', 'chen', 'night', 'day', 'anyone', 'owner', 'lead'].map(person),
  studios: [studioA, studioB],
  shifts: [shift(1, 'studio-a', 'night', '00:00:00', '08:00:00'), shift(2, 'studio-a', 'day', '08:00:00', '16:00:00')],
  shows: [],
  ...over,
});
const a = { studio: 'studio-a' };

describe('responsible: the show owner, else on call, else the studio', () => {
  it('hands over at 08:00:00 exactly: the shift ending then is over, the one beginning is on call', () => {
    expect(recipientIds(world(), 'responsible', a, at('07:59:59.999'))).toEqual(['night']);
    expect(recipientIds(world(), 'responsible', a, at('08:00:00'))).toEqual(['day']);
  });

  it('falls back to the studio responsible when no shift covers the time', () => {
    expect(recipientIds(world(), 'responsible', a, at('16:00:00'))).toEqual(['wang']);
  });

  it("a '*' shift covers every studio, but a studio's own shift wins over it", () => {
    const w = world({ shifts: [...world().shifts, shift(3, '*', 'anyone', '06:00:00', '23:00:00')] });
    expect(recipientIds(w, 'responsible', { studio: 'studio-b' }, at('07:00:00'))).toEqual(['anyone']);
    expect(recipientIds(w, 'responsible', a, at('07:00:00'))).toEqual(['night']);
    expect(recipientIds(w, 'responsible', a, at('17:00:00'))).toEqual(['anyone']);
    // Without any studio label only a '*' shift can say who.
    expect(recipientIds(w, 'responsible', { agent: 'agent-a' }, at('17:00:00'))).toEqual(['anyone']);
  });

  it('the owner of a show in pre-show or on air comes first; before its pre-show and after it ends, the rota', () => {
    const w = world({ shows: [show({ owner: 'owner', emergencyLead: 'lead' })] });
    expect(recipientIds(w, 'responsible', a, at('18:29:59'))).toEqual(['wang']);
    expect(recipientIds(w, 'responsible', a, at('18:30:00'))).toEqual(['owner']);
    expect(recipientIds(w, 'responsible', { slot: 'studio-a/cam-wide' }, at('19:10:00'))).toEqual(['owner']);
    expect(recipientIds(w, 'responsible', a, at('20:00:00'))).toEqual(['wang']);
    // On air counts however late (a show kept on air past its planned end).
    const late = world({ shows: [show({ owner: 'owner', state: 'on_air', startedAt: at('19:00:00') })] });
    expect(recipientIds(late, 'responsible', a, at('20:30:00'))).toEqual(['owner']);
    // Another studio's show does not take over studio-b's alerts.
    expect(recipientIds(w, 'responsible', { studio: 'studio-b' }, at('19:10:00'))).toEqual(['chen']);
  });

  it('a show without an owner leaves the rota in charge', () => {
    const w = world({ shows: [show({})], shifts: [shift(4, 'studio-a', 'night', '18:00:00', '23:00:00')] });
    expect(recipientIds(w, 'responsible', a, at('19:10:00'))).toEqual(['night']);
  });
});

describe('the emergency lead and the studio manager', () => {
  it("the show's lead while it runs, else the studio's; the manager is the studio's", () => {
    const w = world({ shows: [show({ owner: 'owner', emergencyLead: 'lead' })] });
    expect(recipientIds(w, 'emergency-lead', a, at('19:10:00'))).toEqual(['lead']);
    expect(recipientIds(w, 'emergency-lead', a, at('21:00:00'))).toEqual(['li']);
    expect(recipientIds(w, 'studio-manager', a, at('19:10:00'))).toEqual(['zhao']);
  });

  it('nobody named is an empty list (the engine goes on to the next level)', () => {
    expect(recipients(world(), 'emergency-lead', { studio: 'studio-b' }, at('10:00:00'))).toEqual([]);
    expect(recipients(world(), 'studio-manager', { studio: 'studio-z' }, at('10:00:00'))).toEqual([]);
  });

  it('answers the stored people, leaving out an id nobody stored', () => {
    const w = world({ people: [person('wang')] });
    expect(recipients(w, 'responsible', a, at('10:00:00'))).toEqual([]);
    expect(recipients(w, 'responsible', a, at('17:00:00'))).toEqual([person('wang')]);
  });
});

describe('the duty board', () => {
  it('says who is first now, until when, and the next hand-over', () => {
    const [a7, b7] = dutyAt(world(), at('07:00:00'));
    expect(a7).toEqual({
      studio: 'studio-a',
      first: 'night',
      onCall: { person: 'night', shift: 1, until: at('08:00:00') },
      next: { person: 'day', shift: 2, from: at('08:00:00') },
      emergencyLead: 'li',
      manager: 'zhao',
    });
    expect(b7).toEqual({ studio: 'studio-b', first: 'chen' });
    expect(dutyAt(world(), at('08:00:00'), 'studio-a')[0]).toMatchObject({ first: 'day', onCall: { shift: 2 } });
    expect(dutyAt(world(), at('08:00:00'), 'studio-a')[0]?.next).toBeUndefined();
  });
});
