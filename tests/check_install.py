"""What an editor does after building sne: install it under a prefix, run the installed
program, and build the examples as a project of their own against the installed package and
against the build tree's package. Each step that fails is named.

usage: check_install.py --cmake CMAKE --build BUILD_DIR --examples EXAMPLES_DIR"""

import argparse
import os
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


def build_examples(cmake, examples, where, configure_args, env):
    build = os.path.join(where, "build")
    run(f"configure the examples ({' '.join(configure_args)})",
        [cmake, "-S", examples, "-B", build, *configure_args], env=env)
    run("build the examples", [cmake, "--build", build], env=env)
    out = run("run the example", [os.path.join(build, "sla_due_date"), "0570819000040PWP01",
                                  "2024-03-28"], env=env)
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
        # The embedded sandbox comes from the installed libsne_sandbox.so, found by its run path.
        status = run("the installed sne on the embedded sandbox", [sne, "auth", "status", "--json"],
                     env=env)
        if '"embedded_sandbox"' not in status:
            raise SystemExit(f"sne auth status printed {status!r}")
        build_examples(args.cmake, args.examples, os.path.join(tmp, "installed"),
                       [f"-DCMAKE_PREFIX_PATH={prefix}"], env)
        build_examples(args.cmake, args.examples, os.path.join(tmp, "tree"),
                       [f"-Dsne_DIR={os.path.join(os.path.abspath(args.build), 'libsne')}"], env)
    print("installed sne runs; the examples build against the installed package and the build tree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
