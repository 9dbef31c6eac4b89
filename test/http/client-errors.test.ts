// Requests Node's HTTP parser refuses never reach a route: the answer is
// written on the socket. It must still be a problem document.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk.toString('latin1'); });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parse(answer: string) {
  const [head, body] = answer.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], head, body: JSON.parse(body) as { status: number; code: string } };
}

describe('when a request is not valid HTTP', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t.close());

  it('answers a malformed request line with a 400 problem', async () => {
    const { statusLine, head, body } = parse(await rawExchange(port, 'GET /health/live HTTP/9\r\n\r\n'));
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(body).toMatchObject({ status: 400, code: 'AR_ERR_BAD_REQUEST' });
  });

  it('answers a Content-Length that is not a number with a 400 problem', async () => {
    const { body } = parse(await rawExchange(port, 'POST /v1/score/invoices HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n'));
    expect(body.code).toBe('AR_ERR_BAD_REQUEST');
  });

  it('answers headers past their size with a 431 problem', async () => {
    const { statusLine, body } = parse(await rawExchange(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(body).toMatchObject({ status: 431, code: 'AR_ERR_HEADERS_TOO_LARGE' });
  });
});
