# SPDX-License-Identifier: GPL-2.0
"""A checker of Prometheus' text exposition format (version 0.0.4), the
format node_exporter's textfile collector reads, for the tests of
tools/xsplit-stat.  promtool ("promtool check metrics") is used beside it
where it can be had (selftests/tools/run.sh); this checker always runs.

check(text) returns a list of problems, empty when the text is valid:
  - lines are "# HELP name text", "# TYPE name type", other comments, or
    samples "name[{labels}] value [timestamp]";
  - metric and label names match the format's grammar, label values are
    quoted with only \\\\, \\" and \\n escapes, no label name repeats;
  - values are floats (NaN, +Inf, -Inf too), timestamps integers;
  - at most one HELP and one TYPE per family, TYPE before its samples,
    a known type, and every family's samples together (not interleaved);
  - no series (name and label set) twice; counters are not negative;
  - the text ends with a newline.
"""

import math
import re

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
NAME_RE = re.compile(NAME + r"$")
SAMPLE_RE = re.compile(r"(" + NAME + r")(\{.*\})?$")
# summary and histogram samples belong to their family's base name
SUFFIXES = ("_bucket", "_count", "_sum")


def parse_labels(s):
    """'{a="x",b="y"}' -> [(a, x), (b, y)]; raises ValueError."""
    assert s[0] == "{" and s[-1] == "}"
    body, out, i = s[1:-1], [], 0
    while i < len(body):
        m = re.compile(LABEL).match(body, i)
        if not m:
            raise ValueError("bad label name at %r" % body[i:])
        name, i = m.group(0), m.end()
        if body[i:i + 2] != '="':
            raise ValueError("label %s: expected =\"" % name)
        i += 2
        val = []
        while True:
            if i >= len(body):
                raise ValueError("label %s: unterminated value" % name)
            c = body[i]
            if c == "\\":
                nxt = body[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ValueError("label %s: bad escape \\%s" % (name, nxt))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise ValueError("label %s: raw newline" % name)
            else:
                val.append(c)
                i += 1
        out.append((name, "".join(val)))
        if i < len(body):
            if body[i] != ",":
                raise ValueError("expected , after label %s" % name)
            i += 1
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError("a label name repeats")
    return out


def parse_value(v):
    if v in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(v.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", v):
        raise ValueError("bad value %r" % v)
    return float(v)


def split_sample(line):
    """name{labels} value [ts] -> (series, value); label values may hold
    spaces, so a label set runs to the last closing brace."""
    brace, space = line.find("{"), line.find(" ")
    if brace >= 0 and (space < 0 or brace < space):
        end = line.rfind("}")
        if end < brace:
            raise ValueError("unclosed label set")
        series, rest = line[:end + 1], line[end + 1:]
    elif space < 0:
        raise ValueError("no value")
    else:
        series, rest = line[:space], line[space:]
    if not rest.startswith(" "):
        raise ValueError("no space before the value")
    parts = rest.split()
    if len(parts) not in (1, 2):
        raise ValueError("expected a value and an optional timestamp")
    if len(parts) == 2 and not re.match(r"^-?\d+$", parts[1]):
        raise ValueError("bad timestamp %r" % parts[1])
    return series, parse_value(parts[0])


def family_of(name, types):
    for suf in SUFFIXES:
        base = name[:-len(suf)]
        if name.endswith(suf) and types.get(base) in ("histogram",
                                                       "summary"):
            return base
    return name


class State:
    def __init__(self):
        self.helps, self.types = set(), {}
        self.done, self.current = set(), None
        self.series, self.seen_samples = set(), set()
        self.problems = []

    def problem(self, n, msg):
        self.problems.append("line %d: %s" % (n, msg))

    def enter(self, n, fam):
        """Samples and metadata of a family must come in one block."""
        if fam == self.current:
            return
        if fam in self.done:
            self.problem(n, "%s: family interleaved with another" % fam)
        if self.current:
            self.done.add(self.current)
        self.current = fam


def check_meta(st, n, line):
    parts = line.split(None, 3)
    if len(parts) < 3 or parts[1] not in ("HELP", "TYPE"):
        return  # an ordinary comment
    kind, name = parts[1], parts[2]
    if not NAME_RE.match(name):
        st.problem(n, "bad metric name %r" % name)
        return
    st.enter(n, name)
    if kind == "HELP":
        if name in st.helps:
            st.problem(n, "%s: second HELP" % name)
        st.helps.add(name)
        text = parts[3] if len(parts) > 3 else ""
        if re.search(r"\\[^\\n]", text.replace("\\\\", "")):
            st.problem(n, "%s: bad escape in HELP" % name)
        return
    if name in st.types:
        st.problem(n, "%s: second TYPE" % name)
    if len(parts) != 4 or parts[3] not in TYPES:
        st.problem(n, "%s: bad type" % name)
        return
    if name in st.seen_samples:
        st.problem(n, "%s: TYPE after its samples" % name)
    st.types[name] = parts[3]


def check_sample(st, n, line):
    try:
        series, value = split_sample(line)
        m = SAMPLE_RE.match(series)
        if not m:
            raise ValueError("bad metric name in %r" % series)
        labs = parse_labels(m.group(2)) if m.group(2) else []
    except ValueError as e:
        st.problem(n, str(e))
        return
    name = m.group(1)
    fam = family_of(name, st.types)
    st.enter(n, fam)
    st.seen_samples.add(fam)
    key = (name, tuple(sorted(labs)))
    if key in st.series:
        st.problem(n, "series %s twice" % series)
    st.series.add(key)
    if st.types.get(fam) == "counter" and (value < 0 or math.isnan(value)):
        st.problem(n, "%s: counter value %s" % (name, value))


def check(text):
    st = State()
    if text and not text.endswith("\n"):
        st.problem(text.count("\n") + 1, "no newline at the end")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            check_meta(st, n, line)
        else:
            check_sample(st, n, line)
    return st.problems
