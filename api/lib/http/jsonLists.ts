/**
 * A JSON object of large lists whose items are JSON texts already, written a slice of items per
 * turn of the event loop: one write of 100,000 rows would hold the loop while every other request
 * waits. The client sees one ordinary JSON body.
 */
import { nextTurn } from '../core/eventLoop';

const ITEMS_PER_TURN = 1000;

interface StreamingResponse {
  status(code: number): StreamingResponse;
  type(contentType: string): StreamingResponse;
  write(chunk: string): boolean;
  end(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

export async function sendJsonLists(
  res: StreamingResponse,
  status: number,
  lists: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  res.status(status).type('application/json');
  // A client that goes away never drains: stop writing rather than wait for ever.
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const write = async (chunk: string) => {
    if (closed) throw new ClientGone();
    if (res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
  };
  try {
    await writeLists(write, lists);
  } catch (error) {
    if (error instanceof ClientGone) return;
    throw error;
  }
  res.end();
}

class ClientGone extends Error {}

async function writeLists(
  write: (chunk: string) => Promise<void>,
  lists: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  const names = Object.keys(lists);
  await write('{');
  for (const [n, name] of names.entries()) {
    const items = lists[name];
    await write(`${n ? ',' : ''}${JSON.stringify(name)}:[`);
    for (let start = 0; start < items.length; start += ITEMS_PER_TURN) {
      await write(`${start ? ',' : ''}${items.slice(start, start + ITEMS_PER_TURN).join(',')}`);
      await nextTurn();
    }
    await write(']');
  }
  await write('}');
}
