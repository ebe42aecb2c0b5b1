import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { connectLean } from './lean-ws.mjs';

// The bench's own websocket client against ws's server (what burst-api and the echo floor run):
// a client that garbles frames would corrupt every figure bench:burst prints.
describe('connectLean (bench:burst load client)', () => {
  let server: http.Server;
  let wss: WebSocketServer;
  let url: string;
  const serverSide: WebSocket[] = [];

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.writeHead(404).end());
    wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has('burst.v1') ? 'burst.v1' : false) });
    server.on('upgrade', (req, socket, head) => {
      if (req.headers['sec-websocket-protocol']?.includes('refuse-me')) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{"ok":false,"x"}');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        serverSide.push(ws);
        // echoes each text message back with its length, so the test sees what the server read
        ws.on('message', (raw, isBinary) => ws.send(JSON.stringify({ isBinary, text: raw.toString(), bytes: (raw as Buffer).length })));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ws`;
  });

  afterAll(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const received = () => {
    const texts: string[] = [];
    const waiters: Array<() => void> = [];
    return {
      texts,
      onText: (t: string) => {
        texts.push(t);
        waiters.splice(0).forEach((w) => w());
      },
      until: async (n: number) => {
        const deadline = Date.now() + 5_000;
        while (texts.length < n && Date.now() < deadline) await new Promise<void>((r) => {
            waiters.push(r);
            setTimeout(r, 100);
          });
        return texts;
      },
    };
  };

  it('sends masked text frames the server reads back exactly, short, 16-bit and multi-byte lengths', async () => {
    const got = received();
    const conn = await connectLean(url, ['burst.v1', 'token-abc'], { onText: got.onText });
    const messages = ['{"id":1,"event":"hearts.batch"}', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(70_000), 'héllo ♥ 하트'];
    for (const m of messages) expect(conn.send(m)).toBe(true);
    const answers = (await got.until(messages.length)).map((t) => JSON.parse(t));
    expect(answers).toEqual(messages.map((m) => ({ isBinary: false, text: m, bytes: Buffer.byteLength(m) })));
    expect(serverSide[serverSide.length - 1].protocol).toBe('burst.v1');
    conn.close();
  });

  it('takes many frames in one read and a frame split across reads, in order', async () => {
    const got = received();
    const conn = await connectLean(url, ['burst.v1'], { onText: got.onText });
    const ws = serverSide[serverSide.length - 1];
    // 300 KB in one go: more than the shared read buffer, so frames arrive split and together
    const big = Array.from({ length: 3_000 }, (_, i) => `m${i}:${'a'.repeat(i % 200)}`);
    ws.once('message', () => big.forEach((m) => ws.send(m)));
    conn.send('go');
    const texts = await got.until(1 + big.length);
    expect(texts.slice(1)).toEqual(big);
    conn.close();
  });

  it('answers the server’s ping with a pong carrying the same bytes', async () => {
    const conn = await connectLean(url, ['burst.v1'], { onText: () => {} });
    const ws = serverSide[serverSide.length - 1];
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping(Buffer.from('live?'));
    expect((await pong).toString()).toBe('live?');
    conn.close();
  });

  it('reports the server’s close, and rejects a refused upgrade with its status', async () => {
    let closed = 0;
    const conn = await connectLean(url, ['burst.v1'], { onText: () => {}, onClose: () => (closed += 1) });
    expect(conn.open).toBe(true);
    serverSide[serverSide.length - 1].close(4001, 'token expired');
    const deadline = Date.now() + 5_000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(1);
    expect(conn.open).toBe(false);
    expect(conn.send('late')).toBe(false);

    await expect(connectLean(url, ['burst.v1', 'refuse-me'], { onText: () => {} })).rejects.toMatchObject({ status: 401 });
  });
});
