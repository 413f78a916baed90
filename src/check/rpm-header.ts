/**
 * The rpm header fields the check needs, as one `--qf` query used by `rpmspec -q` (a .spec, with
 * its macros expanded by rpm itself) and `rpm -qp` (a built .rpm), and the parser of its output.
 */
import { FormatError } from '../errors.js';
import { formatEvr, sourceRpmName } from '../formats/rpm/version.js';

/**
 * One `@PKG` line per package (tab-separated fields; `%|TAG?{…}:{}|` prints nothing for a missing
 * tag instead of "(none)"), then one `@PROV` line per Provides name.
 */
export const RPM_QUERY_FORMAT =
  '@PKG\\t%{NAME}\\t%|EPOCH?{%{EPOCH}}:{}|\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%|URL?{%{URL}}:{}|\\t%|SUMMARY?{%{SUMMARY}}:{}|' +
  '\\t%|VENDOR?{%{VENDOR}}:{}|\\t%|SOURCERPM?{%{SOURCERPM}}:{}|\\n[@PROV\\t%{PROVIDENAME}\\n]';

export interface RpmHeaderFacts {
  name: string;
  epoch: number;
  version: string;
  release: string;
  /** formatEvr of the three. */
  evr: string;
  arch: string;
  url: string | null;
  summary: string | null;
  vendor: string | null;
  /** Name of the source rpm (null for a spec query, which has no SOURCERPM yet). */
  sourceName: string | null;
  /** Provides other than the package's own name and its `name(isa)` twin. */
  provides: string[];
}

/** `grafana(x86-64)`: rpm's arch-qualified self-provide (%{_isa}). */
function isSelfProvide(name: string, provide: string): boolean {
  if (provide === name) return true;
  return provide.startsWith(`${name}(`) && /^\([a-z0-9_]+-(?:32|64)\)$/i.test(provide.slice(name.length));
}

const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);

export function parseRpmQueryOutput(text: string, file: string): RpmHeaderFacts[] {
  const out: RpmHeaderFacts[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line === '') return;
    const fields = line.split('\t');
    if (fields[0] === '@PKG') {
      const [, name, epochText, version, release, arch, url, summary, vendor, sourcerpm] = fields;
      if (!name || version === undefined || release === undefined || arch === undefined) {
        throw new FormatError(`unexpected rpm query output: ${JSON.stringify(line)}`, { file, line: index + 1 });
      }
      const epoch = epochText ? Number(epochText) : 0;
      if (!Number.isSafeInteger(epoch) || epoch < 0) throw new FormatError(`invalid Epoch ${JSON.stringify(epochText)}`, { file });
      out.push({
        name,
        epoch,
        version,
        release,
        evr: formatEvr({ epoch, version, release }),
        arch,
        url: orNull(url),
        summary: orNull(summary),
        vendor: orNull(vendor),
        sourceName: sourceRpmName(orNull(sourcerpm)),
        provides: [],
      });
    } else if (fields[0] === '@PROV' && out.length > 0) {
      const pkg = out[out.length - 1]!;
      const provide = fields[1] ?? '';
      if (provide !== '' && !isSelfProvide(pkg.name, provide) && !pkg.provides.includes(provide)) pkg.provides.push(provide);
    } else {
      // A spec's %description or a scriptlet cannot reach this output; anything else is rpm noise.
      throw new FormatError(`unexpected rpm query output: ${JSON.stringify(line)}`, { file, line: index + 1 });
    }
  });
  return out;
}
