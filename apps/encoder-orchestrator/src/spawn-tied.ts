import { ChildProcess, SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

// util-linux (essential on Debian, in the image too): `setpriv --pdeathsig KILL` execs the tool
// (same pid) with a death signal, so the kernel kills it when this process dies
const SETPRIV = '/usr/bin/setpriv';
export const withDeathSignal = existsSync(SETPRIV);

/**
 * Spawns a tool (ffmpeg, ffprobe) that dies with this process. A SIGKILLed orchestrator
 * (OOM killer, a supervisor, a test) must leave nothing behind: an SRT listener left over
 * would keep its UDP port and take the next pushes into an RTMP server that is gone, and
 * an encode would burn CPU for nobody. Where setpriv is missing, a plain spawn.
 */
export function spawnTied(bin: string, args: string[], options: SpawnOptions): ChildProcess {
  return withDeathSignal ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args], options) : spawn(bin, args, options);
}
