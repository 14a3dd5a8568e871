"""Malformed kernel command lines (issue 6), booted by
tools/suites/robust.py with the cpio corpus's plain image (a valid /init
that prints "cpio-corpus: init ran"). Each case: (name, expect, line).
expect "init": the kernel must boot and run /init; "noinit": init= or
rdinit= point nowhere usable, so a clean "No working init found" panic is
the right outcome (Linux's); "any": either, but never a crash."""

CASES = [
    ("overlong-line", "init", " ".join("p%d=%s" % (i, "v" * 40)
                                        for i in range(90))),
    ("overlong-value", "init", "foo=" + "x" * 3000),
    ("unbalanced-quote-start", "init", '"rdinit=/init'),
    ("unbalanced-quote-middle", "init", 'a="b c d'),
    ("only-quotes", "init", '"""""" "" "'),
    ("empty-values", "init", "rdinit= init= loglevel= console= = == =x"),
    ("many-args", "init", " ".join("a%d" % i for i in range(600))),
    ("many-init-args", "init", "-- " + " ".join("x%d" % i for i in range(600))),
    ("non-ascii", "init",
     "k\u00e9y=v\u00e4l\u00fc\u00e9 \u0436=\u4e2d\u6587 \u00ff\u00fe=1"),
    ("quoted-rdinit", "init", 'rdinit="/init"'),
    ("init-garbage", "init", "init=\u0001\u0002/../../..//\u00ff"),
    ("rdinit-nonexistent", "noinit", "rdinit=/no/such/init"),
    ("rdinit-directory", "noinit", "rdinit=/dev"),
    # Past 2047 bytes the kernel truncates the line (QEMU's PVH loader
    # itself loses its boot information somewhere above ~4.1 kB).
    ("rdinit-overlong", "any", "rdinit=/" + "a" * 4000),
    ("loglevel-huge", "init", "loglevel=99999999999999999999999"),
    ("dashes-only", "init", "-- --"),
]
