#!/usr/bin/env python3
"""Peer of the Packages parse benchmark: python3-apt's TagFile (apt's own C++ parser) reading the
same fields repoclash's parsePackages reads, over the same uncompressed file.
Usage: tagfile-peer.py FILE [RUNS]; prints one JSON line like debian-parse-child.ts."""
import json
import resource
import sys
import time

import apt_pkg

# The fields src/formats/deb/packages.ts reads from each stanza.
FIELDS = ('Package', 'Version', 'Architecture', 'Source', 'Maintainer', 'Homepage', 'Description', 'Provides', 'Depends', 'Pre-Depends',
          'Conflicts', 'Breaks', 'Replaces', 'Multi-Arch', 'Filename', 'SHA256', 'Size', 'Section')


def once(path):
    n = 0
    with open(path) as f:
        for section in apt_pkg.TagFile(f):
            values = [section.get(name) for name in FIELDS]
            if values[0]:
                n += 1
    return n


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best, best_cpu, stanzas = float('inf'), float('inf'), 0
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        stanzas = once(path)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(json.dumps({'mode': 'tagfile', 'seconds': best, 'cpuSeconds': best_cpu, 'stanzas': stanzas,
                      'maxRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == '__main__':
    main()
