import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './wait';

export const workspaceRoot = path.resolve(__dirname, '..', '..', '..', '..');

export function builtEntry(app: string, entry = 'main'): string {
  return path.join(workspaceRoot, 'dist', 'apps', app, 'apps', app, 'src', `${entry}.js`);
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const spawned = new Set<AppProcess>();

/** Ends whatever a test file started and did not stop (a failed assertion skips its stop). */
export async function stopLeftoverApps(): Promise<void> {
  await Promise.all(
    [...spawned].map(async (p) => {
      if (p.running) p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
  spawned.clear();
}

/** One of our apps, run from its build output with plain `node`, as in production. */
export class AppProcess {
  readonly output: string[] = [];
  readonly exited: Promise<ExitResult>;
  private exitResult?: ExitResult;

  private constructor(
    readonly app: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitResult = { code, signal };
        resolve(this.exitResult);
      }),
    );
  }

  static spawn(app: string, env: Record<string, string | undefined> = {}, port?: number): AppProcess {
    const entry = builtEntry(app);
    if (!existsSync(entry)) throw new Error(`${entry} missing: run \`npx nx build ${app}\` (npm test builds every app first)`);
    const child = spawn(process.execPath, [entry], {
      cwd: workspaceRoot,
      env: { ...process.env, LOG_PRETTY: 'false', ...env, ...(port ? { PORT: String(port) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new AppProcess(app, port ?? 0, child);
    spawned.add(proc);
    return proc;
  }

  /** Spawns the app on a free port and waits for /health/ready to answer 200. */
  static async start(app: string, env: Record<string, string | undefined> = {}, { readyTimeoutMs = 60_000 } = {}): Promise<AppProcess> {
    const proc = AppProcess.spawn(app, env, await freePort());
    try {
      await waitFor(`${app} ready`, async () => {
        if (proc.exitResult) throw new Error(`${app} exited ${JSON.stringify(proc.exitResult)}:\n${proc.output.slice(-20).join('\n')}`);
        return (await proc.ready()) === 200;
      }, { timeoutMs: readyTimeoutMs, everyMs: 200 });
    } catch (err) {
      proc.child.kill('SIGKILL');
      throw err;
    }
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(): Promise<number> {
    try {
      const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      return res.status;
    } catch {
      return 0;
    }
  }

  get running(): boolean {
    return this.exitResult === undefined;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> {
    if (this.exitResult) return this.exitResult;
    this.child.kill(signal);
    return this.exited;
  }

  /** Lines of output (JSON logs parsed where they are JSON). */
  logs(): Array<Record<string, unknown> & { raw: string }> {
    return this.output.map((raw) => {
      try {
        return { ...(JSON.parse(raw) as Record<string, unknown>), raw };
      } catch {
        return { raw };
      }
    });
  }
}
