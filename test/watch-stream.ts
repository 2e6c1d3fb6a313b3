// Opens a `?watch=true` route handler like an EventSource would and collects its events (tests only).
import { NextRequest } from 'next/server';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface WatchedEvent {
  id?: string;
  type: string;
  object: Record<string, unknown>;
  /** When the event arrived (ms since epoch). */
  at: number;
}

export async function openWatch(handler: Handler, url: string, token: string, params: Record<string, string> = {}) {
  const abort = new AbortController();
  const req = new NextRequest(`http://127.0.0.1${url}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
  const res = await handler(req, { params: Promise.resolve(params) });
  const events: WatchedEvent[] = [];
  let text = '';
  const done = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) break;
      const chunk = dec.decode(value, { stream: true });
      buf += chunk;
      text += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) events.push({ id, ...JSON.parse(data), at: Date.now() });
      }
    }
  })();
  return {
    res,
    events,
    text: () => text,
    /** Resolves once pred() holds; throws after ms with the events seen so far. */
    async until(pred: () => boolean, ms = 8000) {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms; events so far: ${JSON.stringify(events.map((e) => [e.type, e.object.name, e.object.status]))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      abort.abort();
      await res.body?.cancel().catch(() => undefined);
      await done;
    },
  };
}
