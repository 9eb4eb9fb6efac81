/**
 * What the kernel knows about the server process and PostgreSQL (Linux /proc): resident memory,
 * its peak, and CPU time. The server runs as a child process, so none of the benchmark's own memory
 * (request bodies, pollers) is counted.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const MB = 1024 * 1024;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // the process has gone
  }
}

/** Every process whose parent is `pid`, recursively. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

interface Stat {
  ppid: number;
  /** utime + stime of the process itself, in seconds. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  reaped: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i]) / TICKS_PER_SECOND;
    return { ppid: Number(fields[1]), own: n(11) + n(12), reaped: n(13) + n(14) };
  } catch {
    return null;
  }
}

/** CPU seconds of a process tree: the tree's live processes plus the exited children its root reaped. */
export function treeCpuSeconds(pid: number): number {
  const root = readStat(pid);
  if (!root) return 0;
  return descendants(pid).reduce((sum, child) => sum + (readStat(child)?.own ?? 0), root.own + root.reaped);
}

/** Resident memory of these processes, in bytes. */
function rss(pids: readonly number[]): number {
  return pids.reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0);
}

/**
 * Peak resident memory of a process tree over a window: VmRSS sampled every `everyMs`, and the kernel's
 * own high-water mark (VmHWM, reset at the start through /proc/<pid>/clear_refs), which no sample can
 * miss. The peak is the larger of the two.
 */
export class PeakMemory {
  private sampled = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly hwmReset: boolean;
  /** The tree, listed once: scanning /proc every 50 ms would cost the machine more than it measures. */
  private readonly pids: number[];

  constructor(
    private readonly pid: number,
    everyMs = 50,
  ) {
    this.pids = [pid, ...descendants(pid)];
    this.hwmReset = resetPeak(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    this.sampled = Math.max(this.sampled, rss(this.pids));
  }

  /** Stops sampling; the peak in MB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    const hwm = this.hwmReset ? statusField(this.pid, 'VmHWM') : 0;
    return Math.max(this.sampled, hwm) / MB;
  }
}

/** Resets the kernel's peak RSS of `pid` to its current RSS (Linux ≥ 4.0); false if not allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export const rssMb = (pid: number) => rss([pid, ...descendants(pid)]) / MB;
