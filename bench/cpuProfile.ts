import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `functionName (file:line)`, the file relative to the project, or `node_modules/<pkg>/…`. */
  name: string;
  ms: number;
  /** Share of the profile's busy time (everything but `(idle)`). */
  share: number;
}

/** Where a frame's code lives, coarsely: enough to tell our code from Hono, undici (`fetch`), Node and the GC. */
function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'V8 (program)';
  if (!url) return 'native (socket writes, V8 builtins)';
  if (url.includes('node:internal/deps/undici')) return 'undici (fetch)';
  if (url.includes('node:internal/webstreams')) return 'web streams';
  if (url.includes('node:internal/abort_controller') || url.includes('node:internal/event_target'))
    return 'abort signals, events';
  if (url.includes('node:internal/modules') || url.includes('/tsx/')) return 'module loading (tsx, startup)';
  if (url.startsWith('node:')) return 'Node internals (http, net, timers, crypto)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg === 'hono' || pkg?.startsWith('@hono/')) return 'Hono + Node adapter';
  if (pkg) return pkg;
  if (url.includes('/src/')) return 'member-connect (src/)';
  return 'other';
}

/**
 * Self time per function of a `node --cpu-prof` profile: each sample's interval goes to the function on top of the
 * stack. Functions are merged by name and place, so one function reached from many call sites is one line.
 */
export function topSelfTime(
  file: string,
  root: string,
  count = 10,
): { busyMs: number; idleMs: number; top: SelfTime[]; areas: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, number>();
  const areaMicros = new Map<string, number>();
  for (const [i, id] of profile.samples.entries()) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url
      ? `${path.relative(root, frame.url.replace(/^file:\/\//, '')).replace(/^.*node_modules\//, 'node_modules/')}:${frame.lineNumber + 1}`
      : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
    micros.set(name, (micros.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
    if (frame.functionName !== '(idle)') {
      const area = areaOf(frame.functionName, frame.url);
      areaMicros.set(area, (areaMicros.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
  const idle = micros.get('(idle)') ?? 0;
  micros.delete('(idle)');
  const busy = [...micros.values()].reduce((a, b) => a + b, 0);
  const top = [...micros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  const areas = [...areaMicros]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  return { busyMs: busy / 1000, idleMs: idle / 1000, top, areas };
}
