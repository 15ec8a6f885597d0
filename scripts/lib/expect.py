#!/usr/bin/env python3
"""Expectations of the example job files (examples/*.yaml), used by scripts/run-examples.sh.

A job file documents its outcome in comment lines of the form `# expect: <key>=<value>`
(`<key>~=<value>` for "contains"), anywhere in the file:

  status=<completed|failed|cancelled>   required: the job's final status
  cancel-after=<duration>               run-examples.sh cancels the job this long after
                                        submitting it (e.g. 1s, 500ms)
  results=<n>                           number of steps that have results (keys of `results`)
  results.<i>=<status>:<n>[,<status>:<n>...]
                                        step i: exactly these numbers of node results per
                                        status (success, failed, skipped); `none` = no entry
  results.<i>.<node>=<status>           the status of one node's result at step i
  results.<i>.<node>.<field>=<value>    one field of that result (output, error, attempts,
                                        ...); an empty value means the field is absent

Usage:
  expect.py show FILE...       validates the files; prints for each one line
                               "status=<s> cancel-after=<seconds, or empty>"
  expect.py check FILE JOB     checks the job JSON (file, `-` = stdin) against FILE; prints
                               "status=<the job's status>", then one line per mismatch, and
                               exits 1 if there is any
Bad expectation lines are errors (exit 2) naming the file and line.
"""
import json
import re
import sys

STATUSES = ("completed", "failed", "cancelled")
RESULT_STATUSES = ("success", "failed", "skipped")
LINE = re.compile(r"^#\s*expect:\s*(.*?)\s*$")
KEY = re.compile(r"^(status|cancel-after|results(?:\.\d+(?:\.[A-Za-z0-9_-]+(?:\.[a-z_]+)?)?)?)\s*(~?=)(.*)$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)$")


class BadFile(Exception):
    pass


def parse_duration(text):
    m = DURATION.match(text)
    if not m:
        raise ValueError(f"invalid duration {text!r} (use e.g. 500ms, 1s, 2m)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def parse_counts(text):
    if text == "none":
        return None
    counts = {}
    for part in text.split(","):
        status, sep, n = part.strip().partition(":")
        if not sep or status not in RESULT_STATUSES or not n.isdigit():
            raise ValueError(f"invalid step counts {text!r} (e.g. success:2,failed:1 or none)")
        counts[status] = int(n)
    return counts


def load(path):
    """Returns the list of (lineno, key, op, value) expectations of a job file."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise BadFile(f"{path}: {e.strerror}")
    items = []
    for no, line in enumerate(lines, 1):
        m = LINE.match(line)
        if not m:
            continue
        k = KEY.match(m.group(1))
        if not k:
            raise BadFile(f"{path}:{no}: cannot read expectation {m.group(1)!r} "
                          "(see scripts/lib/expect.py for the format)")
        key, op, value = k.group(1), k.group(2), k.group(3).strip()
        depth = key.count(".")
        try:
            if op == "~=" and depth < 3:
                raise ValueError("~= applies only to results.<i>.<node>.<field>")
            if key == "status" and value not in STATUSES:
                raise ValueError(f"status must be one of {', '.join(STATUSES)}")
            if key == "cancel-after":
                parse_duration(value)
            if key == "results" and not value.isdigit():
                raise ValueError("results=<number of steps>")
            if depth == 1:
                parse_counts(value)
            if depth == 2 and value not in RESULT_STATUSES:
                raise ValueError(f"a node's status must be one of {', '.join(RESULT_STATUSES)}")
        except ValueError as e:
            raise BadFile(f"{path}:{no}: {key}{op}{value}: {e}")
        items.append((no, key, op, value))
    if sum(1 for _, key, _, _ in items if key == "status") != 1:
        raise BadFile(f"{path}: needs exactly one '# expect: status=<{'|'.join(STATUSES)}>' line")
    return items


def show(paths):
    lines, errors = [], []
    for path in paths:
        try:
            items = load(path)
        except BadFile as e:
            errors.append(f"expect: {e}")
            continue
        status = next(v for _, k, _, v in items if k == "status")
        cancel = next((str(parse_duration(v)) for _, k, _, v in items if k == "cancel-after"), "")
        lines.append(f"status={status} cancel-after={cancel}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check(path, job_path):
    items = load(path)
    try:
        job = json.load(sys.stdin if job_path == "-" else open(job_path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"cannot read the job JSON: {e}")
        return 1
    results = job.get("results") or {}
    print(f"status={text_of(job.get('status'))}")
    failures = []
    for _, key, op, want in items:
        parts = key.split(".")
        if key == "status":
            got = text_of(job.get("status"))
        elif key == "cancel-after":
            continue
        elif key == "results":
            got = str(len(results))
        elif len(parts) == 2:
            step = results.get(parts[1])
            if step is None:
                got = "none"
            else:
                counts = {}
                for r in step.values():
                    counts[r.get("status")] = counts.get(r.get("status"), 0) + 1
                got_counts = counts
                want_counts = parse_counts(want)
                if got_counts == want_counts:
                    continue
                got = ",".join(f"{s}:{n}" for s, n in sorted(counts.items()))
        else:
            node = (results.get(parts[1]) or {}).get(parts[2])
            field = parts[3] if len(parts) == 4 else "status"
            got = "<no result>" if node is None else text_of(node.get(field))
        ok = (want in got) if op == "~=" else (got == want)
        if not ok:
            failures.append(f"{key}{op}{want}: got {got!r}")
    for f in failures:
        print(f)
    return 1 if failures else 0


def main(argv):
    try:
        if len(argv) >= 3 and argv[1] == "show":
            return show(argv[2:])
        if len(argv) == 4 and argv[1] == "check":
            return check(argv[2], argv[3])
    except BadFile as e:
        print(f"expect: {e}", file=sys.stderr)
        return 2
    print(__doc__.split("Usage:")[1].split("Bad")[0].rstrip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
