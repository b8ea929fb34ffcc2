"""docs/http-statuses.md and tests/http/cases/30_statuses.json in step.

Every row of the page (an endpoint's "## METHOD `path`" heading, then
"| status | when | Coder |" rows) must have the case named
"METHOD path: status, when" in the case file, and every case there a row.
Prints "ok - ..." / "not ok - ..." lines; exit status 1 on a mismatch.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def page_rows(path):
    rows, endpoint = [], None
    with open(path) as f:
        for line in f:
            m = re.match(r"^## (GET|POST|PUT|DELETE) `([^`]+)`\s*$", line)
            if m:
                endpoint = "%s %s" % (m.group(1), m.group(2))
                continue
            m = re.match(r"^\| (\d{3}) \| (.+?) \| `[^`]+` \|\s*$", line)
            if m and endpoint:
                rows.append("%s: %s, %s" % (endpoint, m.group(1), m.group(2)))
    return rows


def main():
    rows = page_rows(os.path.join(ROOT, "docs", "http-statuses.md"))
    with open(os.path.join(ROOT, "tests", "http", "cases", "30_statuses.json")) as f:
        cases = [c["name"] for c in json.load(f)["cases"]]
    missing = [r for r in rows if r not in cases]
    extra = [c for c in cases if c not in rows]
    ok = bool(rows) and not missing and not extra
    print("%s - statuses: %d rows of docs/http-statuses.md, each a replay case and no case without a row"
          % ("ok" if ok else "not ok", len(rows)))
    for r in missing:
        print("#   no case for row: " + r)
    for c in extra:
        print("#   no row for case: " + c)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
