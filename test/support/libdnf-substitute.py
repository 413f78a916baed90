"""Oracle for test/config/dnf-vars.test.ts: expand each text with libdnf's
ConfigParser.substitute. stdin: {"vars": {...}, "texts": [...]}; stdout: JSON list of results.
"""
import json
import sys

import libdnf.conf

job = json.load(sys.stdin)
json.dump([libdnf.conf.ConfigParser.substitute(t, job['vars']) for t in job['texts']], sys.stdout)
