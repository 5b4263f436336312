// Events of this environment, newest first, filtered by type; new ones arrive live.
import { useState } from 'preact/hooks';
import { type EventRowFragment, type EventType, EventsDocument } from '../../gql/graphql';
import { EventList, mergeEvents } from '../events-list';
import { EVENT_TYPES, eventName } from '../format';
import { useEvents, useLiveQuery } from '../live';
import { Empty, Loading, QueryError, SelectField } from '../ui';

export function EventsPage() {
  const [type, setType] = useState('');
  const [more, setMore] = useState<(string | null)[]>([null]);
  const [fresh, setFresh] = useState<EventRowFragment[]>([]);
  const filter = type ? { type: type as EventType } : null;
  const [r, refetch] = useLiveQuery(EventsDocument, { first: 50 * more.length, filter });
  useEvents(type ? { types: [type as EventType] } : undefined, (e) =>
    setFresh((f) => [e, ...f].slice(0, 100)),
  );
  const page = r.data?.events;
  const events = page ? mergeEvents(fresh, page.nodes, 50 * more.length + fresh.length) : [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Events</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Type"
          value={type}
          onChange={(v) => (setType(v), setFresh([]), setMore([null]))}
          options={[
            { value: '', label: 'Every type' },
            ...EVENT_TYPES.map((t) => ({ value: t, label: eventName(t) })),
          ]}
        />
      </form>
      <p class="muted">
        Live: new events appear at the top as they happen.{' '}
        {page ? `${page.totalCount.toLocaleString()} in all.` : ''}
      </p>
      <QueryError error={r.error} retry={refetch} />
      {!page && !r.error && <Loading what="events" />}
      {page && events.length === 0 && <Empty>No events{type ? ' of this type' : ''} yet.</Empty>}
      {events.length > 0 && <EventList label="Events" live showLicense events={events} />}
      {page?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => setMore([...more, null])}>
          Show more
        </button>
      )}
    </section>
  );
}
