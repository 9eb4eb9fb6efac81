/** A real SMTP server (smtp-server) that keeps every message it receives, parsed (mailparser). */
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './database';

export interface Inbox {
  url: string;
  /** Every message whose data the server received, whether or not its answer reached the client. */
  messages: ParsedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Stops listening: connections are refused until up(), on the same address. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Answers each message's DATA this long after receiving it (0: at once). */
  delayAnswers(ms: number): void;
  stop(): Promise<void>;
}

export async function startSmtpServer(): Promise<Inbox> {
  const messages: ParsedMail[] = [];
  let answerDelayMs = 0;
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            setTimeout(() => callback(), answerDelayMs);
          },
          (error) => callback(error),
        );
      },
    });
  const port = await freePort();
  let server: SMTPServer | null = null;
  const up = async () => {
    if (server) return;
    const started = create();
    await new Promise<void>((resolve) => started.listen(port, '127.0.0.1', resolve));
    server = started;
  };
  const down = async () => {
    const stopping = server;
    server = null;
    if (stopping) await new Promise<void>((resolve) => stopping.close(() => resolve()));
  };
  await up();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, received ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return messages;
    },
    down,
    up,
    delayAnswers(ms) {
      answerDelayMs = ms;
    },
    stop: down,
  };
}
