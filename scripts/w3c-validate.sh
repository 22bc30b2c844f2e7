#!/usr/bin/env bash
# Validate feeds with the W3C Feed Validation Service's own code (github.com/w3c/feedvalidator),
# run locally. CI has no GitHub access, so .ci/run does not call this script.
#
#   FEEDVALIDATOR=/tmp/feedvalidator scripts/w3c-validate.sh FEED.xml...
#
# FEEDVALIDATOR is a checkout of w3c/feedvalidator (outside this repository). Its Python
# dependencies (html5lib, rdflib) go into a venv under $FEEDVALIDATOR/.venv on first use.
# Each feed is validated as src/demo.py does, except that its base URL is the feed's own
# <atom:link rel="self"> (as when the service fetches the published feed), so the
# "Self reference doesn't match document location" warning of a local file does not appear.
# Fails unless every feed gives no errors and no warnings.
set -euo pipefail

if [ -z "${FEEDVALIDATOR:-}" ] || [ ! -f "$FEEDVALIDATOR/src/feedvalidator/__init__.py" ]; then
  echo "error: set FEEDVALIDATOR to a checkout of https://github.com/w3c/feedvalidator" >&2
  exit 2
fi
if [ "$#" -eq 0 ]; then
  echo "usage: FEEDVALIDATOR=DIR $0 FEED.xml..." >&2
  exit 2
fi

venv="$FEEDVALIDATOR/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet html5lib rdflib
fi

status=0
for feed in "$@"; do
  if ! "$venv/bin/python" - "$FEEDVALIDATOR/src" "$feed" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.formatter.text_plain import Formatter

path = sys.argv[2]
data = open(path, "rb").read()
m = re.search(rb'<atom:link[^>]*href="([^"]+)"[^>]*rel="self"', data) or \
    re.search(rb'<atom:link[^>]*rel="self"[^>]*href="([^"]+)"', data)
base = m.group(1).decode() if m else "http://www.feedvalidator.org/"
try:
    events = feedvalidator.validateString(data, firstOccurrenceOnly=1, base=base)["loggedEvents"]
except feedvalidator.logging.ValidationFailure as vf:
    events = [vf.event]
output = Formatter(compatibility.AA(events))
if output:
    print(f"{path}: W3C feedvalidator:")
    print("\n".join(output))
    sys.exit(1)
print(f"{path}: W3C feedvalidator: no errors or warnings")
PY
  then
    status=1
  fi
done
exit "$status"
