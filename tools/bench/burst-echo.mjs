// The floor of bench:burst-floor: a server with burst-api's socket layers and nothing behind
// them. It listens as burst-api does (a node:http server; socket.io at /socket.io/ with
// burst-api's options; the plain websocket at /v1/ws, subprotocol burst.v1, with ws's options),
// parses each message and answers it at once with an ack of burst-api's shape: no token check
// per message, no Redis, no Kafka, no metrics. What a heart batch costs here is what a socket
// message costs on this machine whatever the server does with it.
//
// Protocol with the parent (fork): `{ port }` once listening; it exits when the parent goes.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Server } = require('socket.io');
const { WebSocketServer, WebSocket } = require('ws');

process.on('disconnect', () => process.exit(0));

let total = 0;
let remaining = 1_000_000;
const answer = {
  'hearts.batch': (m) => {
    const taps = Array.isArray(m?.taps) ? m.taps.length : 0;
    total += taps;
    return { ok: true, batchId: m?.batchId, accepted: taps, total };
  },
  'coupon.claim': () => ({ ok: true, claimId: randomUUID(), remaining: --remaining }),
};
const refuse = { ok: false, code: 'VALIDATION_FAILED', message: 'event: unknown', field: 'event' };

const server = http.createServer((req, res) => res.writeHead(404).end());
const io = new Server(server, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 16 * 1024, pingInterval: 25_000, pingTimeout: 20_000 });
io.on('connection', (socket) => {
  for (const [event, handler] of Object.entries(answer)) {
    socket.on(event, (message, ...rest) => {
      const ack = rest[rest.length - 1];
      if (typeof ack === 'function') ack(handler(message));
    });
  }
});

const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 16 * 1024,
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has('burst.v1') ? 'burst.v1' : false),
});
server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/v1/ws') return;
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw, isBinary) => {
      let frame;
      try {
        frame = isBinary ? undefined : JSON.parse(raw.toString());
      } catch {
        frame = undefined;
      }
      const handler = answer[frame?.event];
      const ack = handler ? handler(frame.data) : refuse;
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id: frame?.id ?? null, ...ack }));
    });
  });
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
