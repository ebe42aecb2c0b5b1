// The open loop the load workers share: what a schedule makes due is sent, whatever the
// answers do (a closed loop would slow down with the server and hide its backlog).

/**
 * Sends request i (`send(i)`, a promise) once the schedule makes it due: `[{ seconds, rate }]`,
 * the due count integrating the rate over time from `started`. At most `maxInFlight` are in
 * flight: past that the client, not the server, would be measured. When the schedule is over
 * it stops issuing (what was due but not sent is `unsent`) and waits for what is in flight.
 */
export async function openLoop(schedule, send, { maxInFlight = Infinity, started = Date.now() } = {}) {
  const segments = [];
  let end = 0;
  for (const s of schedule) {
    segments.push({ from: end, to: end + s.seconds * 1000, rate: s.rate });
    end += s.seconds * 1000;
  }
  const dueAt = (ms) => Math.floor(segments.reduce((n, s) => n + Math.max(0, Math.min(ms, s.to) - s.from) * (s.rate / 1000), 0));
  let sent = 0;
  let inFlight = 0;
  let unsent = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const now = Date.now() - started;
      const due = dueAt(Math.min(now, end));
      while (sent < due && inFlight < maxInFlight) {
        inFlight += 1;
        Promise.resolve(send(sent++)).finally(() => (inFlight -= 1));
      }
      if (now >= end) {
        unsent = Math.max(0, due - sent);
        clearInterval(tick);
        const wait = setInterval(() => {
          if (inFlight === 0) {
            clearInterval(wait);
            resolve();
          }
        }, 20);
      }
    }, 2);
  });
  return { sent, unsent };
}
