/**
 * Each provider against a real peer on loopback: local HTTP servers that speak the Resend and
 * Postmark API shapes (success, 429 with Retry-After, 5xx, 4xx, invalid recipient, bad
 * credentials), a real SMTP server scripted to refuse, and the `file` provider's .eml parsed back.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, startSmtpPeer, type HttpPeer, type SmtpPeer } from '#test/mail-peers.ts';
import { fileProvider } from './file.ts';
import { postmarkProvider } from './postmark.ts';
import { AUTH_FAILURE_DEFER_MS, retryAfterMs, type OutgoingMail } from './provider.ts';
import { resendProvider } from './resend.ts';
import { smtpProvider } from './smtp.ts';

const mail: OutgoingMail = {
  from: 'cardquant <alerts@example.test>',
  to: 'collector@example.test',
  subject: 'Charizard: price 412.50 USD is above 400.00 USD',
  text: 'plain body\n',
  html: '<p>html body</p>',
  headers: {
    'List-Unsubscribe': '<https://alerts.example.test/v1/unsubscribe/cqu_x>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  date: new Date('2026-11-25T12:00:00.000Z'),
};
const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const signal = () => new AbortController().signal;

describe('resend provider', () => {
  let peer: HttpPeer;
  beforeAll(async () => {
    peer = await startHttpPeer(() => ({ status: 200, body: { id: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' } }));
  });
  afterAll(() => peer.close());
  const provider = () =>
    resendProvider({ baseUrl: peer.url, apiKey: 're_test_key', timeoutMs: 2000, nowMs: () => NOW });

  it('posts /emails with the bearer key, the delivery id as Idempotency-Key, and both parts', async () => {
    const result = await provider().send(mail, { id: 'dlv_01', redeliveries: 0 }, signal());
    expect(result).toMatchObject({ outcome: 'delivered', providerMessageId: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' });
    const req = peer.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/emails');
    expect(req.headers.authorization).toBe('Bearer re_test_key');
    expect(req.headers['idempotency-key']).toBe('dlv_01');
    expect(JSON.parse(req.body)).toEqual({
      from: mail.from,
      to: [mail.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
  });

  it('maps 429 with Retry-After, 5xx, invalid `to`, bad key and other 4xx to the taxonomy', async () => {
    peer.answers.push(
      {
        status: 429,
        headers: { 'Retry-After': '42' },
        body: { name: 'rate_limit_exceeded', message: 'Too many requests' },
      },
      { status: 503, body: { name: 'internal_server_error', message: 'down' } },
      {
        status: 422,
        body: {
          name: 'validation_error',
          message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.',
        },
      },
      { status: 403, body: { name: 'invalid_api_key', message: 'API key is invalid' } },
      { status: 422, body: { name: 'validation_error', message: 'The `subject` field is missing.' } },
      { status: 409, body: { name: 'concurrent_idempotent_requests', message: 'in progress' } },
    );
    const p = provider();
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'rate_limited',
      retryAfterMs: 42_000,
      statusCode: 429,
    });
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'provider_down',
    });
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'invalid_recipient',
    });
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'deferred',
      errorClass: 'auth_failure',
      retryAfterMs: AUTH_FAILURE_DEFER_MS,
    });
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'rejected',
    });
    expect(await p.send(mail, { id: 'dlv_02', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      statusCode: 409,
    });
  });

  it('gives up on an answer that does not come within the time limit, and retries (timeout)', async () => {
    // A server that reads the request and never answers; the provider's short limit ends the wait.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const p = resendProvider({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 150, nowMs: () => NOW });
    expect(await p.send(mail, { id: 'dlv_04', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'timeout',
    });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('retries when nothing listens (connection refused)', async () => {
    const closed = await startHttpPeer(() => ({ status: 200, body: {} }));
    await closed.close();
    const p = resendProvider({ baseUrl: closed.url, apiKey: 'k', timeoutMs: 2000, nowMs: () => NOW });
    expect(await p.send(mail, { id: 'dlv_03', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'network',
    });
  });
});

describe('postmark provider', () => {
  let peer: HttpPeer;
  beforeAll(async () => {
    peer = await startHttpPeer(() => ({
      status: 200,
      body: {
        To: 'collector@example.test',
        SubmittedAt: '2026-11-25T12:00:00Z',
        MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817',
        ErrorCode: 0,
        Message: 'OK',
      },
    }));
  });
  afterAll(() => peer.close());
  const provider = () =>
    postmarkProvider({
      baseUrl: peer.url,
      serverToken: 'pm-server-token',
      messageStream: 'alerts',
      timeoutMs: 2000,
      nowMs: () => NOW,
    });

  it('posts /email with the server token, the message stream and the headers as Name/Value pairs', async () => {
    const result = await provider().send(mail, { id: 'dlv_10', redeliveries: 0 }, signal());
    expect(result).toMatchObject({ outcome: 'delivered', providerMessageId: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817' });
    const req = peer.requests.at(-1)!;
    expect(req.path).toBe('/email');
    expect(req.headers['x-postmark-server-token']).toBe('pm-server-token');
    expect(req.headers['idempotency-key']).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({
      From: mail.from,
      To: mail.to,
      Subject: mail.subject,
      TextBody: mail.text,
      HtmlBody: mail.html,
      Headers: [
        { Name: 'List-Unsubscribe', Value: mail.headers['List-Unsubscribe'] },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
      ],
      MessageStream: 'alerts',
    });
  });

  it('maps ErrorCode 406/300, 429, 5xx, a bad token and other 4xx to the taxonomy', async () => {
    peer.answers.push(
      {
        status: 422,
        body: { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' },
      },
      { status: 422, body: { ErrorCode: 300, Message: "Invalid 'To' address: 'nope'." } },
      { status: 429, headers: { 'Retry-After': '7' }, body: { ErrorCode: 429, Message: 'Rate limit exceeded' } },
      { status: 500, body: { ErrorCode: 100, Message: 'Maintenance' } },
      { status: 401, body: { ErrorCode: 10, Message: 'Bad or missing API token' } },
      { status: 422, body: { ErrorCode: 300, Message: 'Provide either email TextBody or HtmlBody or both.' } },
    );
    const p = provider();
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'invalid_recipient',
    });
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'invalid_recipient',
    });
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'rate_limited',
      retryAfterMs: 7000,
    });
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'provider_down',
    });
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'deferred',
      errorClass: 'auth_failure',
    });
    expect(await p.send(mail, { id: 'dlv_11', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'rejected',
    });
  });
});

describe('smtp provider', () => {
  let peer: SmtpPeer;
  beforeAll(async () => {
    peer = await startSmtpPeer({ user: 'mailer', password: 'right-password' });
  });
  afterAll(() => peer.close());

  it('maps SMTP replies: 452 rate limited, 550 5.1.1 invalid recipient, 554 rejected, 535 deferred', async () => {
    const p = smtpProvider({ url: peer.url, timeoutMs: 2000 });
    peer.refuseNextRecipient(452, 'Too many recipients, try later');
    expect(await p.send(mail, { id: 'dlv_20', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'rate_limited',
      statusCode: 452,
    });
    peer.refuseNextRecipient(550, '5.1.1 No such user');
    expect(await p.send(mail, { id: 'dlv_20', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'invalid_recipient',
      statusCode: 550,
    });
    peer.refuseNextRecipient(554, 'Message refused');
    expect(await p.send(mail, { id: 'dlv_20', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'failed',
      errorClass: 'rejected',
    });
    expect(await p.send(mail, { id: 'dlv_20', redeliveries: 0 }, signal())).toMatchObject({ outcome: 'delivered' });
    p.close?.();

    const wrong = smtpProvider({ url: peer.url.replace('right-password', 'wrong-password'), timeoutMs: 2000 });
    expect(await wrong.send(mail, { id: 'dlv_21', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'deferred',
      errorClass: 'auth_failure',
    });
    wrong.close?.();
  });

  it('takes only a dead mailbox for an invalid recipient: policy and spam refusals are rejected', async () => {
    const p = smtpProvider({ url: peer.url, timeoutMs: 2000 });
    const refused = async (code: number, message: string) => {
      peer.refuseNextRecipient(code, message);
      return p.send(mail, { id: 'dlv_23', redeliveries: 0 }, signal());
    };
    // Policy, spam, reputation: the address may be fine — failed, never suppressed.
    for (const [code, message] of [
      [550, '5.7.1 Message rejected as spam'],
      [550, '5.7.26 Unauthenticated email is not accepted'],
      [553, '5.7.1 Sender address rejected: not owned by user'],
      [550, '5.1.8 Sender address domain does not exist'],
      [550, 'Rejected by policy'],
      [554, '5.7.1 Relay access denied'],
    ] as const) {
      expect(await refused(code, message), `${code} ${message}`).toMatchObject({
        outcome: 'failed',
        errorClass: 'rejected',
        statusCode: code,
      });
    }
    // A dead mailbox: suppressed by the channel.
    for (const [code, message] of [
      [550, '5.1.1 The email account that you tried to reach does not exist'],
      [550, '5.1.10 Recipient address has null MX'],
      [553, '5.1.3 Invalid address syntax'],
      [554, '5.1.2 Host unknown'],
      [551, 'User not local'],
      [553, 'Mailbox name not allowed'],
    ] as const) {
      expect(await refused(code, message), `${code} ${message}`).toMatchObject({
        outcome: 'failed',
        errorClass: 'invalid_recipient',
        statusCode: code,
      });
    }
    expect(await p.send(mail, { id: 'dlv_23', redeliveries: 0 }, signal())).toMatchObject({ outcome: 'delivered' });
    p.close?.();
  });

  /**
   * A real TCP server that greets, then answers EHLO one `250-` line every 20 ms and never ends
   * the reply: the connection is never idle, so no idle timeout ends it. `onEhlo` runs when the
   * EHLO arrives; `closed` resolves when our side has dropped the connection.
   */
  async function tricklingServer(onEhlo: () => void = () => undefined) {
    const timers: NodeJS.Timeout[] = [];
    let closedResolve: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (closedResolve = resolve));
    const server = createNetServer((socket) => {
      socket.write('220 trickle.example.test ESMTP\r\n');
      socket.once('data', () => {
        timers.push(setInterval(() => socket.write('250-still thinking\r\n'), 20));
        onEhlo();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => closedResolve());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
      closed,
      close: async () => {
        timers.forEach(clearInterval);
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('bounds the whole send: a server that trickles its reply ends in a timeout retry', async () => {
    const server = await tricklingServer();
    const p = smtpProvider({ url: server.url, timeoutMs: 300 });
    const started = Date.now();
    expect(await p.send(mail, { id: 'dlv_24', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    await server.closed; // our side dropped the connection
    await server.close();
  }, 10_000);

  it('drops the connection and retries when the worker aborts the send', async () => {
    const abort = new AbortController();
    const server = await tricklingServer(() => abort.abort(new Error('shutting down')));
    const p = smtpProvider({ url: server.url, timeoutMs: 60_000 });
    expect(await p.send(mail, { id: 'dlv_25', redeliveries: 0 }, abort.signal)).toMatchObject({
      outcome: 'retry',
      errorClass: 'timeout',
    });
    await server.closed;
    await server.close();
  }, 10_000);

  it('retries when the server is not there', async () => {
    const gone = await startSmtpPeer();
    await gone.close();
    const p = smtpProvider({ url: gone.url, timeoutMs: 2000 });
    expect(await p.send(mail, { id: 'dlv_22', redeliveries: 0 }, signal())).toMatchObject({
      outcome: 'retry',
      errorClass: 'network',
    });
  });
});

describe('file provider', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-mail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <delivery id>.eml atomically, parseable, and overwrites on a retry', async () => {
    const p = fileProvider({ dir: join(dir, 'out') });
    const result = await p.send(mail, { id: 'dlv_30', redeliveries: 0 }, signal());
    expect(result.outcome).toBe('delivered');
    await p.send(mail, { id: 'dlv_30', redeliveries: 0 }, signal());
    expect(readdirSync(join(dir, 'out'))).toEqual(['dlv_30.eml']);
    const parsed = await simpleParser(readFileSync(join(dir, 'out', 'dlv_30.eml')));
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text).toBe(mail.text);
    expect(parsed.html).toBe(mail.html);
    expect(parsed.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(result.outcome === 'delivered' && result.providerMessageId).toBe(parsed.messageId);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('30', NOW)).toBe(30_000);
    expect(retryAfterMs('Wed, 25 Nov 2026 12:01:00 GMT', NOW)).toBe(60_000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
  });
});
