// A real SMTP server in the test process (smtp-server), with mailparser reading what arrived. A
// test can make it refuse messages (`respond`) or start it on a port chosen before (a server that
// was down).
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** What the server answers to a message: accept it, or refuse it with an SMTP code. */
export type SmtpAnswer = 'accept' | { code: number; message: string };

export interface Mailbox {
  url: string;
  port: number;
  /** Accepted messages, parsed. */
  messages: ParsedMail[];
  /** Every DATA command seen (accepted or refused). */
  attempts: number;
  /** Decides each message's answer (the n-th DATA overall, and the message as parsed). */
  respond: (attempt: number, mail: ParsedMail) => SmtpAnswer;
  waitFor(predicate: () => boolean, ms?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(
  opts: { port?: number; respond?: (attempt: number, mail: ParsedMail) => SmtpAnswer } = {},
) {
  const box: Mailbox = {
    url: '',
    port: 0,
    messages: [],
    attempts: 0,
    respond: opts.respond ?? (() => 'accept'),
    async waitFor(predicate, ms = 15_000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const attempt = ++box.attempts;
      simpleParser(stream).then(
        (mail) => {
          const answer = box.respond(attempt, mail);
          if (answer === 'accept') {
            box.messages.push(mail);
            callback();
          } else {
            callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          }
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  box.port = (server.server.address() as AddressInfo).port;
  box.url = `smtp://127.0.0.1:${box.port}`;
  box.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return box;
}
