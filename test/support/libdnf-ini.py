"""Oracle for test/config/ini.test.ts: parse each file named on the command line with libdnf's own
ConfigParser (the one dnf reads .repo files with) and print, as JSON, either its sections and
key/value pairs or the line it refused.

usage: /usr/bin/python3 libdnf-ini.py FILE…
"""
import json
import re
import sys

import libdnf.conf

results = []
for path in sys.argv[1:]:
    parser = libdnf.conf.ConfigParser()
    try:
        parser.read(path)
    except RuntimeError as e:
        m = re.search(r'at line (\d+)', str(e))
        results.append({'ok': False, 'line': int(m.group(1)) if m else None, 'message': str(e)})
        continue
    data = parser.getData()
    sections = []
    for name in data:
        # Comment lines are stored as pseudo keys "#N"; they are not options.
        pairs = [[k, data[name][k]] for k in data[name] if not k.startswith('#')]
        sections.append([name, pairs])
    results.append({'ok': True, 'sections': sections})
json.dump(results, sys.stdout)
