// The poster of the chat benchmark: M lines per second through message-api for S seconds,
// spread over enough users to stay inside the per-user rate limit; a share of the lines
// comes from the show's seller (priority lines). Records when each 202 arrived.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { openLoop } from './open-loop.mjs';

const require = createRequire(import.meta.url);
process.on('disconnect', () => process.exit(0)); // the benchmark went away
const jwt = require('jsonwebtoken');
const { url, broadcastId, rate, seconds, secret, sellerId, sellerShare, runId } = JSON.parse(process.argv[2]);

const users = Math.max(1, Math.ceil(rate * 1.5)); // each user well under 1 line/s
const tokens = Array.from({ length: users }, (_, i) =>
  jwt.sign({ sub: `bench-${runId}-u${i}`, name: `viewer ${i}`, roles: ['viewer'] }, secret, { algorithm: 'HS256', expiresIn: '1h' }),
);
// priority lines rotate over moderators, each inside the per-user rate limit
const priorityTokens = Array.from({ length: 10 }, (_, i) =>
  jwt.sign({ sub: `${sellerId}-mod${i}`, name: `moderator ${i}`, roles: ['moderator'] }, secret, { algorithm: 'HS256', expiresIn: '1h' }),
);

// bounded keep-alive pool: an open loop must not open a socket per late request
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const target = new URL(`${url}/v1/broadcasts/${broadcastId}/messages`);

function post(token, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const acks = []; // [messageId, acceptedAtMs (message-api's clock), priority]
const errors = {};
let priorityCount = 0;
const started = Date.now();

async function postOne(i) {
  const priority = sellerShare > 0 && i % Math.round(1 / sellerShare) === 0;
  const token = priority ? priorityTokens[priorityCount++ % priorityTokens.length] : tokens[i % users];
  try {
    const res = await post(token, JSON.stringify({ clientMessageId: randomUUID(), text: `${priority ? 'MOD ' : ''}bench line ${i} ${'x'.repeat(40)}` }));
    // latency is measured from message-api's acceptedAt (same machine, same clock): this
    // process may be too busy to read its 202s on time, the server's stamp is not
    if (res.status === 202) acks.push([res.body.messageId, Date.parse(res.body.acceptedAt), priority]);
    else errors[res.status] = (errors[res.status] ?? 0) + 1;
  } catch (err) {
    const code = err.code ?? err.cause?.code ?? err.message;
    errors[code] = (errors[code] ?? 0) + 1;
  }
}

// open loop: a line is due every 1000/rate ms whatever the answers do
await openLoop([{ seconds, rate }], postOne, { started });
process.send({ type: 'done', acks, errors, seconds: (Date.now() - started) / 1000 }, () => process.exit(0));
