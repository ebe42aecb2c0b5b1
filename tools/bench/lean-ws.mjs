// The bench's websocket client for the `ws` transport: the load plays 7,500 viewers a process on
// the cores it shares with the servers it measures, so what it spends a message is taken from
// them. `ws`'s client cost the load ~35 µs a heart batch (more than the echo server answering
// it) and left a read buffer, its ArrayBuffer and a mask view behind on every socket for the
// scavenger. This one reads every socket into one shared buffer (net's `onread`: no allocation
// a read), keeps nothing a socket between frames unless a frame arrives split, and writes each
// frame as one masked buffer. The frames on the wire are the same as any client's (RFC 6455:
// masked, unfragmented text frames), so the server under test does the same work.
//
// It speaks just what burst-api's `/v1/ws` needs: text frames either way, pings answered with
// pongs, close frames. A server frame it does not expect (fragmented, masked, binary) fails the
// connection loudly: this is a measuring tool, and a silent mismatch would corrupt figures.
// No library does this (undici's and ws's clients both allocate streams' objects a read).
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** every socket's reads land here, one at a time: each frame is taken out before the next read */
const shared = Buffer.allocUnsafe(256 * 1024);
/** xorshift32 for the masking keys: RFC 6455 wants them unpredictable to proxies; nothing here is a proxy, and crypto a frame would cost more than the frame */
let seed = randomBytes(4).readUInt32LE(0) || 1;
function nextMask() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

/**
 * Opens a websocket to `url` (ws://127.0.0.1:port/path) offering `protocols`. Resolves once
 * the server switched protocols; rejects with the status and body of a refused upgrade.
 * `onText(text)` gets each text message; `onClose()` once the connection is gone.
 */
export function connectLean(url, protocols, { onText, onClose = () => {} }) {
  const { hostname, port, pathname, search } = new URL(url);
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
  return new Promise((resolve, reject) => {
    let open = false;
    let closed = false;
    /** bytes of a frame (or of the handshake) that arrived split, copied out of the shared buffer */
    let carry = null;
    const conn = { send, close, get open() { return open && !closed; } };

    const socket = net.connect({
      host: hostname,
      port: Number(port),
      noDelay: true,
      onread: { buffer: shared, callback: (nread, buf) => read(nread, buf) },
    });
    socket.on('connect', () => {
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocols.join(', ')}\r\n\r\n`,
      );
    });
    socket.on('error', (err) => gone(err));
    socket.on('close', () => gone(new Error('connection closed')));

    function gone(err) {
      if (closed) return;
      closed = true;
      socket.destroy();
      if (open) onClose();
      else reject(err);
    }

    function read(nread, buf) {
      let data = buf.subarray(0, nread);
      if (carry) {
        data = Buffer.concat([carry, data]);
        carry = null;
      }
      let at = open ? 0 : handshake(data);
      if (at < 0) return; // still waiting for the rest of the response head (carried), or refused
      while (!closed && at < data.length) {
        const used = frame(data, at);
        if (used === 0) {
          carry = Buffer.from(data.subarray(at)); // a copy: the shared buffer is the next read's
          return;
        }
        at += used;
      }
    }

    /** the response head: the offset of the first frame after it, or -1 */
    function handshake(data) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        carry = Buffer.from(data);
        return -1;
      }
      const head = data.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
      if (status !== 101 || accept !== expectedAccept) {
        const body = data.toString('utf8', end + 4);
        gone(Object.assign(new Error(`upgrade refused: ${status} ${body}`), { status, body }));
        return -1;
      }
      open = true;
      resolve(conn);
      return end + 4;
    }

    /** one frame from `at`: the bytes it took, or 0 if it has not all arrived */
    function frame(data, at) {
      if (data.length - at < 2) return 0;
      const b0 = data[at];
      const b1 = data[at + 1];
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (data.length - at < 4) return 0;
        len = data.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (data.length - at < 10) return 0;
        len = Number(data.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (data.length - at < head + len) return 0;
      const opcode = b0 & 0x0f;
      if ((b0 & 0x80) === 0 || opcode === 0 || (b1 & 0x80) !== 0) {
        fail(`a frame this client does not take (fin ${b0 >> 7}, opcode ${opcode}, masked ${b1 >> 7})`);
        return head + len;
      }
      const from = at + head;
      if (opcode === 1) onText(data.toString('utf8', from, from + len));
      else if (opcode === 9) write(0x8a, data.subarray(from, from + len));
      else if (opcode === 8) {
        if (!closed) write(0x88, data.subarray(from, from + Math.min(len, 2)));
        socket.end();
        gone(new Error('closed by the server'));
      } else if (opcode !== 10) fail(`opcode ${opcode} is not expected`);
      return head + len;
    }

    function fail(reason) {
      const err = new Error(`lean-ws: ${reason}`);
      console.error(err.message);
      socket.destroy(err);
    }

    /** one masked frame of `payload` (a string or bytes), written at once */
    function write(b0, payload) {
      const len = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
      const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
      const out = Buffer.allocUnsafe(head + 4 + len);
      out[0] = b0;
      if (head === 2) out[1] = 0x80 | len;
      else if (head === 4) {
        out[1] = 0x80 | 126;
        out.writeUInt16BE(len, 2);
      } else {
        out[1] = 0x80 | 127;
        out.writeBigUInt64BE(BigInt(len), 2);
      }
      const mask = nextMask();
      out.writeUInt32BE(mask, head);
      const from = head + 4;
      if (typeof payload === 'string') out.write(payload, from, 'utf8');
      else payload.copy(out, from);
      const m0 = mask >>> 24;
      const m1 = (mask >>> 16) & 0xff;
      const m2 = (mask >>> 8) & 0xff;
      const m3 = mask & 0xff;
      let i = from;
      const end = from + len;
      for (; i + 3 < end; i += 4) {
        out[i] ^= m0;
        out[i + 1] ^= m1;
        out[i + 2] ^= m2;
        out[i + 3] ^= m3;
      }
      for (let k = 0; i < end; i++, k++) out[i] ^= k === 0 ? m0 : k === 1 ? m1 : m2;
      socket.write(out);
    }

    /** a text message; false if the connection is gone (as ws's readyState check) */
    function send(text) {
      if (!open || closed) return false;
      write(0x81, text);
      return true;
    }

    function close() {
      if (closed) return;
      if (open) write(0x88, Buffer.from([0x03, 0xe8])); // 1000, normal
      socket.end();
      closed = true;
    }
  });
}
