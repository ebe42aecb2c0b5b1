// A viewer worker of the chat benchmark: holds many socket.io connections over raw `ws`,
// speaking the Engine.IO v4 / socket.io v5 text protocol itself. Probe viewers parse every
// frame and time each line; the rest count lines cheaply, so the clients do not need more
// CPU than the platform they measure.
import WebSocket from 'ws';

const { url, broadcastId, count, probes, firstIndex } = JSON.parse(process.argv[2]);
process.on('disconnect', () => process.exit(0)); // the benchmark went away
const CHAT_BATCH = Buffer.from('["chat.batch"');
const MESSAGE_ID = Buffer.from('"messageId"');
const viewers = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function connect(index) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const v = { index, probe: index < probes, lines: 0, frames: 0, suppressed: 0, arrivals: new Map(), priority: new Set(), joined: false };
    ws.on('message', (data) => {
      // non-probe viewers count lines on the raw bytes: no UTF-8 decoding, native search
      if (v.joined && !v.probe && data.length > 16) {
        if (data.indexOf(CHAT_BATCH) === 2) {
          v.frames += 1;
          for (let at = data.indexOf(MESSAGE_ID); at !== -1; at = data.indexOf(MESSAGE_ID, at + MESSAGE_ID.length)) v.lines += 1;
        }
        return;
      }
      const msg = data.toString();
      if (msg === '2') return ws.send('3'); // ping -> pong
      if (msg.startsWith('0')) return ws.send('40'); // engine open -> socket.io connect (anonymous)
      if (msg.startsWith('40')) return ws.send(`420["join",{"broadcastId":"${broadcastId}"}]`);
      if (msg.startsWith('430')) {
        v.joined = true;
        return resolve(v);
      }
      if (msg.startsWith('42["chat.batch"')) {
        v.frames += 1;
        if (v.probe) {
          const now = Date.now();
          const [, batch] = JSON.parse(msg.slice(2));
          v.suppressed += batch.suppressed;
          for (const line of batch.lines) {
            v.lines += 1;
            if (!v.arrivals.has(line.messageId)) v.arrivals.set(line.messageId, now);
            if (line.roles.includes('moderator') || line.roles.includes('seller')) v.priority.add(line.messageId);
          }
        } else {
          let at = msg.indexOf('"messageId"');
          while (at !== -1) {
            v.lines += 1;
            at = msg.indexOf('"messageId"', at + 11);
          }
        }
      }
    });
    ws.on('error', reject);
    v.ws = ws;
  });
}

for (let i = 0; i < count; i++) {
  viewers.push(connect(firstIndex + i));
  if (i % 50 === 49) await sleep(20); // do not stampede the gateway's accept queue
}
const ready = await Promise.all(viewers);
process.send({ type: 'ready', count: ready.length });

process.on('message', (m) => {
  if (m.type === 'reset') {
    for (const v of ready) Object.assign(v, { lines: 0, frames: 0, suppressed: 0, arrivals: new Map(), priority: new Set() });
    process.send({ type: 'reset-done' });
  } else if (m.type === 'report') {
    process.send({
      type: 'report',
      viewers: ready.map((v) => ({
        probe: v.probe,
        lines: v.lines,
        frames: v.frames,
        suppressed: v.suppressed,
        arrivals: v.probe ? [...v.arrivals] : undefined,
        priority: v.probe ? [...v.priority] : undefined,
      })),
    });
  } else if (m.type === 'close') {
    ready.forEach((v) => v.ws.close());
    setTimeout(() => process.exit(0), 200);
  }
});
