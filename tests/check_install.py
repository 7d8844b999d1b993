"""What an editor does after building sne: install it under a prefix, run the installed
program, build the examples as a project of their own against the installed CMake package and
against the build tree's and run their tests (the sandbox examples on the installed
libsne_sandbox.so), and build one with the flags pkg-config gives. Each step that fails is
named.

usage: check_install.py --cmake CMAKE --build BUILD_DIR --examples EXAMPLES_DIR"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

EXPECTED = "0570819000040PWP01 (Moselle): pli transmitted 2024-03-28 is due 2024-04-03"


def run(step, cmd, env=None, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    if r.returncode != 0:
        raise SystemExit(f"{step}: exit {r.returncode}: {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


def clean_env(home):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "SNE_ENDPOINT", "SNE_TOKEN") and not k.startswith("XDG_")}
    env["HOME"] = home
    return env


# The examples' tests (examples/CMakeLists.txt), each of which must run and pass.
EXAMPLE_TESTS = ("sla_due_date", "overdue_plis", "send_pieces", "bulk_progress",
                 "fiches_from_csv", "ticket_from_rejected_pli")


def build_examples(cmake, examples, where, configure_args, env):
    """Configures and builds examples/ as a project of its own (warnings are errors), then runs
    its tests: the sandbox examples run on the libsne_sandbox.so that the package points to."""
    build = os.path.join(where, "build")
    run(f"configure the examples ({' '.join(configure_args)})",
        [cmake, "-S", examples, "-B", build, "-DSNE_WERROR=ON", *configure_args], env=env)
    run("build the examples", [cmake, "--build", build], env=env)
    out = run("run the example", [os.path.join(build, "sla_due_date"), "0570819000040PWP01",
                                  "2024-03-28"], env=env)
    if out.strip() != EXPECTED:
        raise SystemExit(f"the example printed {out!r}, not {EXPECTED!r}")
    ctest = os.path.join(os.path.dirname(cmake), "ctest")
    out = run("the examples' tests", [ctest, "--output-on-failure"], env=env, cwd=build)
    for name in EXAMPLE_TESTS:
        if not re.search(rf"Test +#\d+: example_{name} \.+ +Passed", out):
            raise SystemExit(f"example_{name} did not run and pass:\n{out}")


def build_with_pkg_config(examples, prefix, where, env):
    """c++ $(pkg-config --cflags --libs sne), as a Makefile would, with PKG_CONFIG_PATH on the
    installed prefix."""
    libdir = os.path.join(prefix, "lib")
    env = dict(env, PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig"))
    version = run("pkg-config --modversion sne", ["pkg-config", "--modversion", "sne"], env=env)
    if not version.strip():
        raise SystemExit("pkg-config gives no version of sne")
    for module in ("sne-bulk", "sne-sandbox"):
        flags = run(f"pkg-config --libs {module}", ["pkg-config", "--libs", module], env=env)
        if "-lsne " not in flags + " ":
            raise SystemExit(f"pkg-config --libs {module} lacks -lsne: {flags!r}")
    flags = run("pkg-config --cflags --libs sne", ["pkg-config", "--cflags", "--libs", "sne"],
                env=env).split()
    program = os.path.join(where, "sla_due_date")
    os.makedirs(where)
    run("build the example with pkg-config's flags",
        [os.environ.get("CXX", "c++"), "-std=c++17", "-Wall", "-Wextra", "-Werror",
         os.path.join(examples, "sla_due_date.cpp"), "-o", program, *flags,
         f"-Wl,-rpath,{libdir}"], env=env)
    out = run("run the example built with pkg-config", [program, "0570819000040PWP01", "2024-03-28"],
              env=env)
    if out.strip() != EXPECTED:
        raise SystemExit(f"the example printed {out!r}, not {EXPECTED!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--examples", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sne-install-") as tmp:
        prefix = os.path.join(tmp, "prefix")
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        env = clean_env(home)
        run("install", [args.cmake, "--install", args.build, "--prefix", prefix], env=env)
        sne = os.path.join(prefix, "bin", "sne")
        version = run("the installed sne --version", [sne, "--version"], env=env)
        if not version.startswith("sne "):
            raise SystemExit(f"sne --version printed {version!r}")
        # The soname carries major.minor while the version is 0.x, the major alone from 1.0.
        major, minor, _ = version.split()[1].split(".")
        soname = f"libsne.so.{major}.{minor}" if major == "0" else f"libsne.so.{major}"
        if not os.path.exists(os.path.join(prefix, "lib", soname)):
            raise SystemExit(f"no {soname} in {os.path.join(prefix, 'lib')}: "
                             f"{sorted(os.listdir(os.path.join(prefix, 'lib')))}")
        # libsne's plugins, in libsne-SOVERSION beside it, found from wherever it is installed:
        # a fiche (PoDoFo) and its preflight (libqpdf).
        plugins = os.path.join(prefix, "lib", "libsne-" + soname[len("libsne.so."):])
        for plugin in ("fiche-pdf.so", "inspect-pdf.so", "http.so", "crypto.so"):
            if not os.path.exists(os.path.join(plugins, plugin)):
                raise SystemExit(f"no {plugin} in {plugins}")
        fiche = os.path.join(tmp, "fiche.pdf")
        run("the installed sne makes a fiche (plugin fiche-pdf)",
            [sne, "fiche", "create", "--numero", "0340523004101G3401", "--contexte", "ajout",
             "--guichet", "G3401", "--siret", "73282932000074", "--territoire", "034",
             "-o", fiche], env=env)
        run("the installed sne checks it (plugin inspect-pdf)", [sne, "piece", "check", fiche],
            env=env)
        # The embedded sandbox comes from the installed libsne_sandbox.so, found by its run path.
        status = run("the installed sne on the embedded sandbox", [sne, "auth", "status", "--json"],
                     env=env)
        if '"embedded_sandbox"' not in status:
            raise SystemExit(f"sne auth status printed {status!r}")
        build_examples(args.cmake, args.examples, os.path.join(tmp, "installed"),
                       [f"-DCMAKE_PREFIX_PATH={prefix}"], env)
        build_with_pkg_config(args.examples, prefix, os.path.join(tmp, "pkg-config"), env)
        build_examples(args.cmake, args.examples, os.path.join(tmp, "tree"),
                       [f"-Dsne_DIR={os.path.join(os.path.abspath(args.build), 'libsne')}"], env)
    print("installed sne runs; the examples build and pass their tests against the installed "
          "CMake package and against the build tree, and build with pkg-config")
    return 0


if __name__ == "__main__":
    sys.exit(main())
