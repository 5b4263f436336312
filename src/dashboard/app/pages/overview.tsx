// Overview: licenses by status, devices, validations per day with failures by code, what expires
// within 30 days, and a live feed of events. One request; events arrive over the subscription.
import { useMemo, useState } from 'preact/hooks';
import { type EventRowFragment, OverviewDocument } from '../../gql/graphql';
import { ValidationsChart } from '../chart';
import { EventList, mergeEvents } from '../events-list';
import { DAY, date } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { Link } from '../router';
import { Badge, Empty, Loading, QueryError } from '../ui';

export function OverviewPage() {
  const vars = useMemo(() => {
    const now = Date.now();
    return {
      from: new Date(now - 30 * DAY).toISOString(),
      to: new Date(now).toISOString(),
      soon: new Date(now + 30 * DAY).toISOString(),
    };
  }, []);
  const [r, refetch] = useLiveQuery(OverviewDocument, vars);
  const [fresh, setFresh] = useState<EventRowFragment[]>([]);
  const refresh = useDebounced(refetch, 500);
  useEvents(undefined, (e) => {
    setFresh((f) => [e, ...f].slice(0, 30));
    refresh();
  });

  const d = r.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Overview</h1>
      <QueryError error={r.error} retry={refetch} />
      {!d && !r.error && <Loading what="the overview" />}
      {d && (
        <div class="overview" data-ready="overview">
          <section class="card stats" aria-labelledby="stats-title">
            <h2 id="stats-title">Licenses</h2>
            <p class="big">{d.licenseStats.total.toLocaleString()}</p>
            <ul class="counts">
              {d.licenseStats.byStatus.map((s) => (
                <li key={s.status}>
                  <Badge value={s.status} />{' '}
                  <span data-testid={`status-${s.status}`}>{s.count.toLocaleString()}</span>
                </li>
              ))}
            </ul>
          </section>
          <section class="card stats" aria-labelledby="devices-title">
            <h2 id="devices-title">Active devices</h2>
            <p class="big" data-testid="active-devices">
              {d.licenseStats.activeDevices.toLocaleString()}
            </p>
            <p class="muted">Devices holding a seat now.</p>
          </section>
          <section class="card stats" aria-labelledby="validations-title">
            <h2 id="validations-title">Validations, 30 days</h2>
            <p class="big">{d.usageAnalytics.totals.total.toLocaleString()}</p>
            <p class="muted">{d.usageAnalytics.totals.failure.toLocaleString()} failed</p>
          </section>
          <section class="card wide" aria-labelledby="chart-title">
            <h2 id="chart-title">Validations per day</h2>
            <ValidationsChart series={d.usageAnalytics.series} from={new Date(vars.from)} days={30} />
          </section>
          <section class="card half" aria-labelledby="expiring-title">
            <h2 id="expiring-title">Expiring within 30 days ({d.expiring.totalCount.toLocaleString()})</h2>
            {d.expiring.nodes.length === 0 ? (
              <Empty>No active license expires in the next 30 days.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {d.expiring.nodes.map((l) => (
                    <tr key={l.id}>
                      <td>
                        <Link to={`/licenses/${l.id}`} class="mono">
                          {l.key}
                        </Link>
                      </td>
                      <td>{l.email ?? '—'}</td>
                      <td>{date(l.expiresAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section class="card half" aria-labelledby="feed-title">
            <h2 id="feed-title">
              Live events <span class="live-dot" aria-hidden="true" />
            </h2>
            <EventList
              label="Latest events"
              live
              showLicense
              events={mergeEvents(fresh, d.events.nodes, 15)}
            />
            {d.events.nodes.length === 0 && fresh.length === 0 && <Empty>No events yet.</Empty>}
            <p>
              <Link to="/events">All events</Link>
            </p>
          </section>
        </div>
      )}
    </section>
  );
}
