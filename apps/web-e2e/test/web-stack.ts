import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppProcess, freePort, testEnv, waitFor, workspaceRoot } from '@live/testing';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const artifactsDir = path.join(workspaceRoot, 'artifacts', 'web');

/** A built web app served as in production (tools/web/serve.mjs), with /config.json pointing at the test stack. */
class StaticApp {
  constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {}

  static async start(app: 'admin-console' | 'viewer-web', port: number, env: Record<string, string>): Promise<StaticApp> {
    const child = spawn(process.execPath, [path.join(workspaceRoot, 'tools/web/serve.mjs'), app, '--port', String(port)], {
      cwd: workspaceRoot,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${app} served`, async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, { timeoutMs: 15_000 });
    return new StaticApp(url, child);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/**
 * Console errors the page logs, except Chrome's own line for an HTTP refusal the page asked
 * for and shows (403 banned, 409/410 coupon answers): those are answers of the protocol, and
 * the assertions check the page shows them. Any other console error, failed load or
 * uncaught exception fails the test.
 */
function expectedRefusal(msg: ConsoleMessage, apiOrigins: string[]): boolean {
  return (
    /^Failed to load resource: the server responded with a status of (403|409|410)\b/.test(msg.text()) &&
    apiOrigins.some((o) => msg.location().url.startsWith(o))
  );
}

/** The whole platform (what a show needs), both web apps, and a headless Debian chromium. */
export class WebStack {
  apps: AppProcess[] = [];
  admin!: StaticApp;
  viewer!: StaticApp;
  browser!: Browser;
  readonly consoleErrors: string[] = [];
  /** every console line of every page, written to artifacts/web/console.log at the end */
  readonly consoleLog: string[] = [];
  readonly pages = new Map<string, Page>();
  private readonly contexts: BrowserContext[] = [];
  private apiOrigins: string[] = [];

  async start(): Promise<this> {
    mkdirSync(artifactsDir, { recursive: true });
    const [adminPort, viewerPort] = [await freePort(), await freePort()];
    // the APIs allow the two web origins, as a deployment would configure CORS_ORIGINS
    const cors = { CORS_ORIGINS: `http://127.0.0.1:${adminPort},http://127.0.0.1:${viewerPort}` };
    // topics and consumer groups of its own (under the run's prefix, so the run's clean-up finds
    // them): on the run's shared topics, analytics would first have to fold everything the
    // files before this one produced, and the scoreboard and report would wait on that backlog
    const topics = { KAFKA_TOPIC_PREFIX: `${testEnv().topicPrefix}web-${randomUUID().slice(0, 8)}.` };
    const names = ['management-api', 'message-api', 'message-processor', 'ws-gateway', 'burst-api', 'analytics'] as const;
    this.apps = await Promise.all(names.map((n) => AppProcess.start(n, { ...cors, ...topics })));
    const url = (n: (typeof names)[number]) => this.apps[names.indexOf(n)].url;
    this.apiOrigins = [url('management-api'), url('message-api'), url('burst-api'), url('analytics')];
    const web = {
      WEB_MANAGEMENT_API: url('management-api'),
      WEB_MESSAGE_API: url('message-api'),
      WEB_GATEWAY: url('ws-gateway'),
      WEB_BURST_API: url('burst-api'),
      WEB_ANALYTICS_API: url('analytics'),
      // no encoder in this stack: the pages must work without video
      WEB_ENCODER_API: 'none',
      WEB_VIEWER_URL: `http://127.0.0.1:${viewerPort}/`,
    };
    [this.admin, this.viewer] = await Promise.all([StaticApp.start('admin-console', adminPort, web), StaticApp.start('viewer-web', viewerPort, web)]);
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      // root in a container: no user namespaces for the sandbox
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    return this;
  }

  /** A fresh browser profile (own storage), as another person on another device. */
  async page(name: string, size: 'desktop' | 'phone'): Promise<Page> {
    const context = await this.browser.newContext(
      size === 'phone' ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1440, height: 1000 } },
    );
    this.contexts.push(context);
    const page = await context.newPage();
    this.pages.set(name, page);
    page.on('console', (msg) => {
      this.consoleLog.push(`[${name}] ${msg.type()}: ${msg.text()} (${msg.location().url})`);
      if (msg.type() === 'error' && !expectedRefusal(msg, this.apiOrigins)) this.consoleErrors.push(`[${name}] ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => this.consoleErrors.push(`[${name}] uncaught: ${err.message}`));
    return page;
  }

  /** What each page shows now, for the artifacts of a failed run. */
  async dump(): Promise<void> {
    const parts = await Promise.all([...this.pages].map(async ([name, p]) => `== ${name} ${p.url()}\n${await p.locator('body').innerText().catch((e: Error) => e.message)}`));
    writeFileSync(path.join(artifactsDir, 'pages.txt'), parts.join('\n\n'));
    writeFileSync(path.join(artifactsDir, 'console.log'), this.consoleLog.join('\n'));
    // and what the apps logged, for a failure that is theirs
    for (const app of this.apps) writeFileSync(path.join(artifactsDir, `${app.app}.log`), app.output.slice(-500).join('\n'));
  }

  async stop(): Promise<void> {
    await this.dump().catch(() => undefined);
    await Promise.all(this.contexts.map((c) => c.close().catch(() => undefined)));
    await this.browser?.close().catch(() => undefined);
    await Promise.all([this.admin?.stop(), this.viewer?.stop(), ...this.apps.map((a) => a.stop())]);
  }
}
