/**
 * Server-sent events as a client reads them (the WHATWG event-stream format): blocks separated by a
 * blank line, each made of `field: value` lines and `: comment` lines. Strict about what the service
 * sends (only `id`, `event`, `data` and `retry` fields), so that the tests notice anything else.
 */
export interface ServerSentEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface EventStreamChunk {
  events: ServerSentEvent[];
  comments: string[];
  /** Values of `retry:` fields, in milliseconds. */
  retries: number[];
  /** What a strict reader objects to: unknown fields, a retry that is not a number. */
  problems: string[];
}

/** Reads a stream piece by piece: `push` returns what the complete blocks so far held. */
export class EventStreamParser {
  private pending = '';

  push(text: string): EventStreamChunk {
    const out: EventStreamChunk = { events: [], comments: [], retries: [], problems: [] };
    this.pending += text.replace(/\r\n?/g, '\n');
    for (let end = this.pending.indexOf('\n\n'); end >= 0; end = this.pending.indexOf('\n\n')) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      readBlock(block, out);
    }
    return out;
  }

  /** What was left after the last blank line: a block the stream never finished. */
  get unfinished(): string {
    return this.pending;
  }
}

function readBlock(block: string, out: EventStreamChunk): void {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(':')) {
      out.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') {
      if (/^\d+$/.test(value)) out.retries.push(Number(value));
      else out.problems.push(`retry is not a number of milliseconds: ${JSON.stringify(line)}`);
    } else out.problems.push(`unknown field: ${JSON.stringify(line)}`);
  }
  if (data.length) out.events.push({ id, event, data: data.join('\n') });
  else if (id !== undefined || event !== undefined)
    out.problems.push(`a block without data: ${JSON.stringify(block)}`);
}

/** A whole stream's text, read at once. */
export function parseEventStream(text: string): EventStreamChunk & { unfinished: string } {
  const parser = new EventStreamParser();
  return { ...parser.push(text), unfinished: parser.unfinished };
}
