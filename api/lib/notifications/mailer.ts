import nodemailer from 'nodemailer';
// nodemailer's own reading of an smtp:// or smtps:// URL, so that options can be added to it.
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { createLogger } from '../core/log';
import type { Settings } from '../core/settings';
import type { RenderedEmail } from './emailTemplates';

export interface Mailer {
  send(to: string, email: RenderedEmail): Promise<void>;
  /** Told of an email that is not sent on purpose (the recipient opted out), for mailers that show their mail. */
  skip?(to: string, reason: string): Promise<void>;
}

const log = createLogger('mail');

/**
 * Bounds on one SMTP exchange (nodemailer waits up to an hour on a silent socket by default): a dead
 * server fails the attempt in minutes. A slow one that keeps answering may hold it longer; the claim
 * of pipeline/sendCompletionEmail.ts, refreshed meanwhile, keeps a retry from sending it again.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** SMTP through nodemailer when SMTP_URL is set; otherwise the email is printed, as in development. */
export function createMailer(settings: Settings['mail']): Mailer {
  if (settings.smtpUrl) {
    const transport = nodemailer.createTransport({
      ...parseConnectionUrl(settings.smtpUrl),
      ...SMTP_TIMEOUTS,
    });
    return {
      async send(to, email) {
        await transport.sendMail({
          from: settings.from,
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
        });
      },
    };
  }
  return {
    async send(to, email) {
      const rule = '─'.repeat(72);
      process.stdout.write(
        `\n${rule}\n✉  Email (not sent: SMTP_URL is not set)\nFrom:    ${settings.from}\nTo:      ${to}\nSubject: ${email.subject}\n${rule}\n${email.text}\n${rule}\n\n`,
      );
      log.debug('Email printed to the console', { to });
    },
    async skip(to, reason) {
      process.stdout.write(`\n✉  Email to ${to} not sent: ${reason}.\n\n`);
    },
  };
}
