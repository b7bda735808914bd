/**
 * The post-incident report (the plan's progress report): what happened, the impact on air, the
 * cause, what fixed it, follow-ups with owner and due date, who was told and who acknowledged, and
 * the times to acknowledge and resolve. Pure: a record in, a document out.
 */
import type { Locale } from '../../../protocols/alerting.ts';
import type { ControllerEvent } from '../../../protocols/events.ts';
import type { Block, ReportDocument } from './document.ts';
import type { IncidentRecord } from './incident-record.ts';
import { reportWords, type ReportWords } from './report-words.ts';
import { summaryIn, textIn } from '../alerts/summaries.ts';
import { translator } from '../../../i18n/translator.ts';
import { common } from '../../../i18n/messages/common.ts';
import { alertingChannels } from '../../../i18n/messages/alerting-channels.ts';

/** One line of the timeline: when, what, about what, why (the event log's own words, as recorded). */
export function timelineLine(e: ControllerEvent, w: ReportWords = reportWords('en')): string {
  const subject = e.slot ?? (e.agent ? `${e.agent}${e.device ? `/${e.device}` : ''}` : '');
  const d = e.data as Record<string, unknown>;
  const said = [d.summary, d.text, d.to !== undefined && typeof d.to === 'string' ? `→ ${d.to}` : undefined, e.reason]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
    .join(' · ');
  return [w.at(e.ts), e.type, subject, said].filter(Boolean).join('  ');
}

export function incidentDocument(r: IncidentRecord, locale: Locale, now: number): ReportDocument {
  const i = r.incident;
  const w = reportWords(locale);
  const { t, at: utc, duration } = w;
  const c = translator(common, locale);
  const kinds = translator(alertingChannels, locale);
  const none = t('report.none');
  const end = i.resolvedAt;
  const blocks: Block[] = [
    {
      kind: 'text',
      text: t('report.summary', {
        studio: i.studio ?? none,
        show: i.show ?? none,
        opened: utc(i.openedAt),
        ended: end === undefined ? t('report.notYet') : utc(end),
        state: t(i.state === 'open' ? 'report.state.open' : 'report.state.resolved'),
      }),
    },
    { kind: 'heading', text: t('report.happened') },
    r.timeline.length ? { kind: 'list', items: r.timeline.map((e) => timelineLine(e, w)) } : { kind: 'text', text: none },
    { kind: 'heading', text: t('report.impact') },
    {
      kind: 'text',
      text: t('report.impactLine', { seconds: w.f.number(i.impactMs / 1_000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }),
    },
    { kind: 'heading', text: t('report.cause') },
    { kind: 'text', text: i.review?.cause ?? t('report.toComplete', { command: 'onair incident review' }) },
    { kind: 'heading', text: t('report.fix') },
    { kind: 'text', text: i.review?.fix ?? t('report.toComplete', { command: 'onair incident review' }) },
    { kind: 'heading', text: t('report.followUps') },
    i.review?.followUps.length
      ? {
          kind: 'table',
          head: [t('report.followUp.what'), t('report.followUp.owner'), t('report.followUp.due'), t('report.followUp.done')],
          rows: i.review.followUps.map((f) => [f.what, f.owner, w.f.date(f.due), f.done ? '✓' : '']),
        }
      : { kind: 'text', text: t('report.toComplete', { command: 'onair incident review' }) },
    { kind: 'heading', text: t('report.people') },
    {
      kind: 'list',
      items: [
        t('report.ackTime', { duration: i.ackedAt === undefined ? t('report.notYet') : duration(i.ackedAt - i.openedAt) }),
        t('report.resolveTime', { duration: end === undefined ? t('report.notYet') : duration(end - i.openedAt) }),
        t('report.involved', { people: i.people.length ? i.people.join(', ') : none }),
        ...r.notifications.map((n) =>
          t('report.told', {
            at: utc(n.sentAt ?? n.createdAt),
            person: n.person ?? none,
            contact: n.contact,
            reason: t(`reason.${n.reason}`),
            state: t(`sent.${n.state}`),
          }),
        ),
        ...r.alerts
          .filter((a) => a.ackedAt !== undefined)
          .map((a) => t('report.acked', { at: utc(a.ackedAt), person: a.ackedBy ?? none, alert: a.id })),
      ],
    },
    { kind: 'heading', text: t('report.alerts') },
    r.alerts.length
      ? {
          kind: 'list',
          items: r.alerts.map((a) =>
            t('report.alert', {
              id: a.id,
              severity: c(`severity.${a.severity}`),
              kind: kinds(`kind.${a.kind}`),
              summary: summaryIn(locale, a),
              from: utc(a.startsAt),
              to: utc(a.endsAt),
            }),
          ),
        }
      : { kind: 'text', text: none },
    { kind: 'heading', text: t('report.notes') },
    i.notes.length ? { kind: 'list', items: i.notes.map((n) => `${utc(n.at)} ${n.by}: ${n.text}`) } : { kind: 'text', text: none },
  ];
  return {
    title: t('report.title', { id: i.id, title: textIn(locale, i.title, i.titleMessage) }),
    lang: locale,
    blocks,
    footer: t('report.generated', { at: utc(now) }),
  };
}
