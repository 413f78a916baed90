/**
 * The plain-collision check: the target profile's distro repos already ship the name from another
 * source package. error for a binary name, warning for a Provides (or an unknown source).
 */
import { checkKey, type Context } from './context.js';
import type { SubmittedName } from './submission.js';
import type { PlainCollisionFinding } from './types.js';

export function plainCollision(ctx: Context, submitted: SubmittedName, name: string, via: 'name' | 'provides'): PlainCollisionFinding | null {
  const own = (ctx.targetByName.get(name) ?? []).filter((c) => c.repoVendor === ctx.distroVendor && c.role === 'distro');
  const foreign = own.filter((c) => c.sourceName !== submitted.sourceName);
  if (foreign.length === 0) return null;
  const seen = new Set<string>();
  const shippedBy: PlainCollisionFinding['shippedBy'] = [];
  for (const c of foreign) {
    const k = `${c.repoId}|${c.evr}|${c.sourceName}`;
    if (seen.has(k)) continue;
    seen.add(k);
    shippedBy.push({ repoId: c.repoId, evr: c.evr, sourceName: c.sourceName });
  }
  const unknownSource = shippedBy.every((s) => s.sourceName === null);
  const sources = [...new Set(shippedBy.map((s) => s.sourceName ?? '(unknown source)'))].join(', ');
  return {
    kind: 'plain-collision',
    severity: via === 'name' && !unknownSource ? 'error' : 'warning',
    key: checkKey('plain-collision', ctx.input.target, name),
    name,
    package: submitted.name,
    title: `${ctx.profile.name} already ships ${name} from source ${sources}${via === 'provides' ? ` (Provides of ${submitted.name})` : ''}, not from ${submitted.sourceName}`,
    via,
    submittedSource: submitted.sourceName,
    shippedBy,
  };
}
