// A list of events (the Overview's live feed, the Events page, a license's timeline).
import type { EventRowFragment } from '../gql/graphql';
import { dateTime, eventName } from './format';
import { Link } from './router';

function detail(e: EventRowFragment): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.deviceId === 'string') parts.push(`device ${d.deviceId}`);
  if (typeof d.reason === 'string') parts.push(d.reason);
  if (typeof d.code === 'string') parts.push(d.code);
  if (Array.isArray(d.changes)) parts.push(`changed ${d.changes.join(', ')}`);
  return parts.join(' · ');
}

export function EventList(props: {
  events: EventRowFragment[];
  showLicense?: boolean;
  label: string;
  live?: boolean;
}) {
  return (
    <ol class="events" aria-label={props.label} aria-live={props.live ? 'polite' : undefined}>
      {props.events.map((e) => (
        <li key={e.id} data-event-type={e.type}>
          <span class={`dot dot-${e.type.toLowerCase()}`} aria-hidden="true" />
          <span class="event-type">{eventName(e.type)}</span>
          {props.showLicense && e.license && (
            <Link to={`/licenses/${e.license.id}`} class="mono">
              {e.license.key}
            </Link>
          )}
          <span class="muted">{detail(e)}</span>
          <time dateTime={e.createdAt}>{dateTime(e.createdAt)}</time>
        </li>
      ))}
    </ol>
  );
}

/** `fresh` first, then `known`, each event once, at most `limit`. */
export function mergeEvents(fresh: EventRowFragment[], known: EventRowFragment[], limit: number) {
  const seen = new Set<string>();
  const out: EventRowFragment[] = [];
  for (const e of [...fresh, ...known]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.slice(0, limit);
}
