# SPDX-License-Identifier: GPL-2.0
#
# The agent's architecture, checked on the built objects and the sources
# (run by layout_test.sh; TAP on stdout):
# - the library never prints, logs or exits: no object of agent/lib refers
#   to stdout, stderr, printf, syslog, exit and their kin;
# - the library calls no tool: no symbol it needs is defined in
#   agent/daemon or agent/ctl;
# - who calls whom is a tree: the graph of objects (an edge where one needs
#   a symbol another defines) has no cycle, in each program;
# - includes form no cycle;
# - every file states its one concern in the comment after its SPDX line;
# - README's agent layout table is what scripts/agent-layout makes of the tree.
# The cycle finder first proves on two objects made to call each other that
# it can see a cycle.
import functools
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.abspath(sys.argv[1])
BUILD = os.path.join(TOP, "build", "agent")
PARTS = ("lib", "daemon", "ctl")
FORBIDDEN = {
    "stdout", "stderr", "printf", "__printf_chk", "vprintf", "__vprintf_chk", "puts",
    "putchar", "perror", "syslog", "__syslog_chk", "vsyslog", "__vsyslog_chk", "openlog",
    "exit", "_exit", "err", "errx", "verr", "verrx", "warn", "warnx", "vwarn", "vwarnx",
    "log_msg", "log_init",
}

results = []


def check(name, ok, diag=""):
    results.append((name, ok, diag))


@functools.lru_cache(maxsize=None)
def symbols(obj):
    """(defined, undefined) global symbols of an object file, read once."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == "U":
            undefined.add(fields[1])
        elif len(fields) == 3 and fields[1] in "TDBRVWG":
            defined.add(fields[2])
    return defined, undefined


def objects(part):
    """The objects of a part's current sources (a renamed file leaves a stale one)."""
    d = os.path.join(BUILD, part)
    src = os.path.join(TOP, "agent", part)
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith(".o") and os.path.exists(os.path.join(src, f[:-2] + ".c")))


def graph(objs):
    syms = {o: symbols(o) for o in objs}
    owner = {}
    for o, (defined, _) in syms.items():
        for s in defined:
            owner[s] = o
    return {o: sorted({owner[s] for s in und if s in owner} - {o})
            for o, (_, und) in syms.items()}


def find_cycle(edges):
    """One cycle as a list of nodes, or None (iterative DFS, three colours)."""
    colour = {n: 0 for n in edges}
    for root in edges:
        if colour[root]:
            continue
        stack, path = [(root, iter(edges[root]))], [root]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(nxt, 2) == 1:
                return path[path.index(nxt):] + [nxt]
            elif colour.get(nxt, 2) == 0:
                colour[nxt] = 1
                stack.append((nxt, iter(edges[nxt])))
                path.append(nxt)
    return None


def short(path):
    return os.path.relpath(path, BUILD) if path.startswith(BUILD) else os.path.basename(path)


def cycle_finder_sees_a_cycle():
    with tempfile.TemporaryDirectory() as d:
        for name, body in (("a", "int b(void); int a(void) { return b(); }"),
                           ("b", "int a(void); int b(void) { return a(); }")):
            src = os.path.join(d, name + ".c")
            with open(src, "w") as f:
                f.write(body + "\n")
            subprocess.run(["cc", "-c", src, "-o", os.path.join(d, name + ".o")], check=True)
        objs = [os.path.join(d, "a.o"), os.path.join(d, "b.o")]
        return find_cycle(graph(objs)) is not None


def include_edges():
    edges = {}
    for part in PARTS:
        d = os.path.join(TOP, "agent", part)
        for f in os.listdir(d):
            if f.endswith((".c", ".h")):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    incs = re.findall(r'^#include "([^"]+)"', fh.read(), re.M)
                edges[f"{part}/{f}"] = incs
    # Resolve a name the way the include paths do: own folder, then lib.
    resolved = {}
    for node, incs in edges.items():
        part = node.split("/")[0]
        targets = []
        for inc in incs:
            for cand in (f"{part}/{inc}", f"lib/{inc}"):
                if cand in edges:
                    targets.append(cand)
                    break
        resolved[node] = [t for t in targets if t.endswith(".h") and t != node]
    return resolved


def states_concern(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    return len(lines) > 1 and "SPDX-License-Identifier" in lines[0] and \
        re.match(r"\s*(/\*|//)\s*\S", lines[1] + (lines[2] if lines[1].strip() == "/*" else "")) \
        is not None


def main():
    missing = [p for p in PARTS if not os.path.isdir(os.path.join(BUILD, p)) or not objects(p)]
    if missing:
        print("1..1")
        print(f"not ok 1 agent objects built # none in build/agent/{missing[0]}: run make first")
        return 1

    lib = objects("lib")
    bad = []
    for o in lib:
        hit = sorted(symbols(o)[1] & FORBIDDEN)
        if hit:
            bad.append(f"{short(o)}: {' '.join(hit)}")
    check("library_never_prints_logs_or_exits", not bad, "; ".join(bad))

    tools = {o: symbols(o)[0] for p in ("daemon", "ctl") for o in objects(p)}
    up = []
    for o in lib:
        for t, defined in tools.items():
            hit = sorted(symbols(o)[1] & defined)
            if hit:
                up.append(f"{short(o)} -> {short(t)}: {' '.join(hit)}")
    check("library_calls_no_tool", not up, "; ".join(up))

    check("cycle_finder_sees_a_cycle", cycle_finder_sees_a_cycle())
    for tool in ("daemon", "ctl"):
        cyc = find_cycle(graph(lib + objects(tool)))
        check(f"calls_form_a_tree_{tool}", cyc is None,
              " -> ".join(short(c) for c in cyc) if cyc else "")

    cyc = find_cycle(include_edges())
    check("includes_form_a_tree", cyc is None, " -> ".join(cyc) if cyc else "")

    silent = []
    for part in PARTS:
        d = os.path.join(TOP, "agent", part)
        for f in sorted(os.listdir(d)):
            if f.endswith((".c", ".h")) and not states_concern(os.path.join(d, f)):
                silent.append(f"{part}/{f}")
    check("every_agent_file_states_its_concern", not silent,
          "no comment after the SPDX line: " + " ".join(silent))

    layout = subprocess.run([os.path.join(TOP, "scripts", "agent-layout")], capture_output=True,
                            text=True, check=True).stdout
    with open(os.path.join(TOP, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    check("readme_layout_matches_tree", layout in readme,
          "README's agent layout differs from the tree: scripts/agent-layout --write")

    print("TAP version 13")
    print(f"1..{len(results)}")
    for i, (name, ok, diag) in enumerate(results, 1):
        if not ok and diag:
            print(f"# {diag}")
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
    return 0 if all(ok for _, ok, _ in results) else 1


sys.exit(main())
