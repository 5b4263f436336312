// The subscriptions benchmark's baseline broadcast, the same in the bench's own process and in
// server.ts's `broadcast` child: `events` messages, one event at a time, to every client.
export async function broadcast(
  clients: Iterable<{ send(msg: string): void }>,
  events: number,
): Promise<void> {
  for (let i = 0; i < events; i++) {
    // Shaped and sized like the app's graphql-ws `next` frame for a license event.
    const msg = JSON.stringify({
      id: '6f1c2e0a-52d4-4c1b-9e55-3f7d1f9e2a10',
      type: 'next',
      payload: { data: { licenseEvents: { id: `evt_${i}`, type: 'license.suspended', sent: Date.now() } } },
    });
    for (const c of clients) c.send(msg);
    await new Promise((r) => setImmediate(r));
  }
}
