/**
 * A step's failure with a machine-readable code. `permanent` failures (bad input) fail the
 * job at once; the others are retried with backoff until the attempts run out.
 */
export class StepError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent = false,
    readonly logTail?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }

  get reason(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Why a tool's output says it failed, in words an operator acts on. */
export function classifyToolFailure(tool: string, stderr: string): StepError {
  const lastLines = stderr.trim().split('\n').slice(-3).join(' | ');
  if (/No space left on device|ENOSPC/i.test(stderr)) return new StepError('DISK_FULL', `${tool}: no space left on the storage device`, false, stderr);
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters|Invalid NAL unit size|EBML header parsing failed/i.test(stderr)) {
    return new StepError('CORRUPT_RECORDING', `${tool} cannot read the recording (${lastLines})`, true, stderr);
  }
  return new StepError('TOOL_FAILED', `${tool} failed: ${lastLines}`, false, stderr);
}
