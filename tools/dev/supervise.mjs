// Keeps one app of `npm run dev` running: when it exits without being asked to (a crash, an
// OOM kill, process.exit in a bad path), it is started again after a backoff that doubles
// from `firstMs` up to `maxMs`, and goes back to `firstMs` once a start has stayed up for
// `healthyMs`. Every exit and restart is said in the terminal through `say`.

/** the wait before restart number `attempt` (1, 2, ...) */
export function backoffMs(attempt, { firstMs = 1_000, maxMs = 30_000 } = {}) {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * start() spawns the app and returns its ChildProcess. Returns { stop, current }:
 * stop(signal) ends the app for good (no restart); current() is the live child or undefined.
 */
export function supervise({ name, start, say, onExit = () => {}, firstMs = 1_000, maxMs = 30_000, healthyMs = 30_000 }) {
  let child;
  let stopping = false;
  let attempt = 0;
  let timer;
  const launch = () => {
    const startedAt = Date.now();
    child = start();
    child.on('exit', (code, signal) => {
      child = undefined;
      if (stopping) return onExit({ code, signal, restarting: false });
      if (Date.now() - startedAt >= healthyMs) attempt = 0;
      attempt += 1;
      const wait = backoffMs(attempt, { firstMs, maxMs });
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${(wait / 1000).toFixed(1)} s (restart ${attempt})`);
      onExit({ code, signal, restarting: true });
      timer = setTimeout(() => {
        if (stopping) return;
        say(`${name} restarting now`);
        launch();
      }, wait);
    });
  };
  launch();
  return {
    current: () => child,
    stop(signal = 'SIGTERM') {
      stopping = true;
      clearTimeout(timer);
      if (child) child.kill(signal);
      else onExit({ code: null, signal: null, restarting: false });
    },
  };
}
