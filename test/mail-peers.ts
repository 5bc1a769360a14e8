/**
 * Real peers for e-mail tests, all on loopback: an SMTP server (smtp-server) that parses what it
 * receives with mailparser and can answer a scripted SMTP reply, and an HTTP server that records
 * requests and answers what the test scripts (the Resend and Postmark API shapes).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpPeer {
  port: number;
  url: string;
  /** Every message accepted, parsed, with its raw text. */
  messages: { parsed: ParsedMail; raw: string; to: string[] }[];
  /** The next RCPT TO is refused with this reply (e.g. `550 no such user`), once. */
  refuseNextRecipient(code: number, message: string): void;
  close(): Promise<void>;
}

export async function startSmtpPeer(options: { user?: string; password?: string } = {}): Promise<SmtpPeer> {
  const messages: SmtpPeer['messages'] = [];
  let refusal: { code: number; message: string } | null = null;
  const server = new SMTPServer({
    disabledCommands: options.user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (refusal) {
        const r = refusal;
        refusal = null;
        callback(Object.assign(new Error(r.message), { responseCode: r.code }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            messages.push({ parsed, raw, to: session.envelope.rcptTo.map((r) => r.address) });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const auth = options.user ? `${options.user}:${options.password}@` : '';
  return {
    port,
    url: `smtp://${auth}127.0.0.1:${port}`,
    messages,
    refuseNextRecipient: (code, message) => {
      refusal = { code, message };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpPeer {
  url: string;
  requests: RecordedRequest[];
  /** Answers queued for the next requests; when empty, `fallback` answers. */
  answers: { status: number; headers?: Record<string, string>; body: unknown }[];
  close(): Promise<void>;
}

export async function startHttpPeer(
  fallback: (req: RecordedRequest) => { status: number; body: unknown },
): Promise<HttpPeer> {
  const requests: RecordedRequest[] = [];
  const answers: HttpPeer['answers'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = answers.shift() ?? fallback(recorded);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        ...((answer as { headers?: Record<string, string> }).headers ?? {}),
      });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
