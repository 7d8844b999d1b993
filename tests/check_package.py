"""The Debian packages as a user gets them: builds them with scripts/package (in a build folder
of its own, compiled through ccache like the test build, so that only linking and cpack cost
time), then checks each package's files (what must be there, and nothing else: no test, no
static library), its control files (dependencies, shlibs, the ldconfig trigger), that its
binaries are stripped and carry no run path while the -dbgsym package holds their debug
information, and, unpacked into a scratch root, that `sne --version` runs and that the example
builds against libsne-dev with pkg-config and with find_package(sne), and runs. Each step that
fails is named.

usage: check_package.py --source SOURCE_DIR --build-dir DIR [-- CMAKE_ARGS...]"""

import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_install import EXPECTED, clean_env, run  # noqa: E402  (one expected output)


def deb_files(deb):
    """The regular files and symbolic links of a package (folders left out), as
    {path: link target or None}."""
    out = run(f"dpkg-deb -c {deb}", ["dpkg-deb", "-c", deb])
    files = {}
    for line in out.splitlines():
        fields = line.split(None, 5)
        kind, name = fields[0][0], fields[5]
        if kind == "d":
            continue
        target = None
        if kind == "l":
            name, target = name.split(" -> ")
        files[name.removeprefix("./")] = target
    return files


def control(deb, field):
    return run(f"dpkg-deb -f {deb} {field}", ["dpkg-deb", "-f", deb, field]).strip()


def control_file(deb, name, where):
    folder = os.path.join(where, os.path.basename(deb) + ".control")
    run(f"dpkg-deb -e {deb}", ["dpkg-deb", "-e", deb, folder])
    path = os.path.join(folder, name)
    return open(path, encoding="utf-8").read() if os.path.exists(path) else None


def same_files(package, got, expected):
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    if missing or unexpected:
        raise SystemExit(f"{package}: missing {missing}, unexpected {unexpected}")
    for name, target in expected.items():
        if got[name] != target:
            raise SystemExit(f"{package}: {name} links to {got[name]!r}, not {target!r}")


def elf_facts(path):
    """(build id, has debug sections, run path or None) of an ELF file."""
    notes = run(f"readelf -n {path}", ["readelf", "-n", path])
    build_id = re.search(r"Build ID: ([0-9a-f]+)", notes)
    sections = run(f"readelf -S {path}", ["readelf", "-S", "-W", path])
    dynamic = run(f"readelf -d {path}", ["readelf", "-d", path])
    runpath = re.search(r"\((?:RUNPATH|RPATH)\).*\[(.*)\]", dynamic)
    return (build_id.group(1) if build_id else None, ".debug_info" in sections,
            runpath.group(1) if runpath else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("cmake_args", nargs="*")
    args = ap.parse_args()
    source = os.path.abspath(args.source)

    # The version, the soname and the package names, from the one source of the version.
    header = open(os.path.join(source, "include/sne/version.hpp"), encoding="utf-8").read()
    major, minor, patch = (re.search(rf"#define SNE_VERSION_{p} (\d+)", header).group(1)
                           for p in ("MAJOR", "MINOR", "PATCH"))
    version = f"{major}.{minor}.{patch}"
    soversion = f"{major}.{minor}" if major == "0" else major
    runtime = f"libsne{soversion}"
    changelog = open(os.path.join(source, "packaging/debian/changelog"), encoding="utf-8").readline()
    deb_version = re.match(r"sne \(([^)]+)\)", changelog).group(1)
    multiarch = run("dpkg-architecture", ["dpkg-architecture", "-qDEB_HOST_MULTIARCH"]).strip()
    arch = run("dpkg --print-architecture", ["dpkg", "--print-architecture"]).strip()
    lib = f"usr/lib/{multiarch}"

    r = subprocess.run([os.path.join(source, "scripts/package"), "--build-dir", args.build_dir,
                        "--compression", "gzip", "--", *args.cmake_args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"scripts/package: exit {r.returncode}\n{r.stdout}{r.stderr}")
    print(r.stdout[r.stdout.find("PACKAGE "):])
    packages = os.path.join(args.build_dir, "packages")
    debs = {name: os.path.join(packages, f"{name}_{deb_version}_{arch}.{ext}")
            for name, ext in ((runtime, "deb"), ("libsne-dev", "deb"), ("sne", "deb"),
                              (f"{runtime}-dbgsym", "ddeb"), ("sne-dbgsym", "ddeb"))}
    made = sorted(glob.glob(os.path.join(packages, "*.deb")) + glob.glob(os.path.join(packages, "*.ddeb")))
    if made != sorted(debs.values()):
        raise SystemExit(f"scripts/package made {made}, not {sorted(debs.values())}")

    def doc(package):
        return {f"usr/share/doc/{package}/copyright": None,
                f"usr/share/doc/{package}/changelog.Debian.gz": None,
                f"usr/share/lintian/overrides/{package}": None}

    libraries = ("libsne", "libsne_sandbox", "libsne_bulk")
    expected = {runtime: {**doc(runtime)}, "libsne-dev": {**doc("libsne-dev")}, "sne": {**doc("sne")}}
    for name in libraries:
        expected[runtime][f"{lib}/{name}.so.{version}"] = None
        expected[runtime][f"{lib}/{name}.so.{soversion}"] = f"{name}.so.{version}"
        expected["libsne-dev"][f"{lib}/{name}.so"] = f"{name}.so.{soversion}"
    # libsne's plugins (libsne/base/plugin.hpp), loaded by libsne from its private folder.
    for plugin in ("fiche-pdf", "inspect-pdf", "http", "crypto"):
        expected[runtime][f"{lib}/libsne-{soversion}/{plugin}.so"] = None
    # The catalogues of libsne's and sne's messages (po/), one per language.
    for po in os.listdir(os.path.join(source, "po")):
        if po.endswith(".po"):
            expected[runtime][f"usr/share/locale/{po[:-3]}/LC_MESSAGES/sne.mo"] = None
    for header in os.listdir(os.path.join(source, "include/sne")):
        expected["libsne-dev"][f"usr/include/sne/{header}"] = None
    for pc in ("sne", "sne-bulk", "sne-sandbox"):
        expected["libsne-dev"][f"{lib}/pkgconfig/{pc}.pc"] = None
    cmake_files = ("sneConfig.cmake", "sneConfigVersion.cmake", "sneTargets.cmake")
    for name in cmake_files:
        expected["libsne-dev"][f"{lib}/cmake/sne/{name}"] = None
    expected["sne"]["usr/bin/sne"] = None
    for page in os.listdir(os.path.join(source, "man")):
        if page.endswith(".1"):
            expected["sne"][f"usr/share/man/man1/{page}.gz"] = None
    for completion in ("bash-completion/completions/sne", "zsh/vendor-completions/_sne",
                       "fish/vendor_completions.d/sne.fish"):
        expected["sne"][f"usr/share/{completion}"] = None

    with tempfile.TemporaryDirectory(prefix="sne-package-") as tmp:
        root = os.path.join(tmp, "root")
        build_ids = {}
        for package in (runtime, "libsne-dev", "sne"):
            deb = debs[package]
            got = deb_files(deb)
            # The CMake package's per-configuration file is named after the build type.
            for name in list(got):
                if re.fullmatch(rf"{lib}/cmake/sne/sneTargets-[a-z]+\.cmake", name) and package == "libsne-dev":
                    expected[package][name] = None
            same_files(package, got, expected[package])
            run(f"dpkg-deb -x {deb}", ["dpkg-deb", "-x", deb, root])
            # Stripped binaries without run path; their build ids lead to the debug packages.
            for name, target in got.items():
                path = os.path.join(root, name)
                if target is None and (name.startswith("usr/bin/") or ".so." in name
                                       or name.endswith(".so") and "/libsne-" in name):
                    build_id, debug, runpath = elf_facts(path)
                    if debug:
                        raise SystemExit(f"{package}: {name} carries debug information")
                    if runpath is not None:
                        raise SystemExit(f"{package}: {name} has the run path {runpath!r}")
                    if build_id is None:
                        raise SystemExit(f"{package}: {name} has no build id")
                    build_ids.setdefault(package, []).append(build_id)

        # Each -dbgsym package holds the debug information of its package's binaries, by build id.
        for package in (runtime, "sne"):
            dbgsym = debs[f"{package}-dbgsym"]
            want = {f"usr/lib/debug/.build-id/{i[:2]}/{i[2:]}.debug": None for i in build_ids[package]}
            same_files(f"{package}-dbgsym", deb_files(dbgsym), want)
            if control(dbgsym, "Depends") != f"{package} (= {deb_version})":
                raise SystemExit(f"{package}-dbgsym depends on {control(dbgsym, 'Depends')!r}")
            run(f"dpkg-deb -x {dbgsym}", ["dpkg-deb", "-x", dbgsym, os.path.join(tmp, "dbgsym")])
            for name in want:
                if not elf_facts(os.path.join(tmp, "dbgsym", name))[1]:
                    raise SystemExit(f"{package}-dbgsym: {name} has no debug information")

        # md5sums names every file by its path in the package, with its sum (what debsums
        # checks; CPack 3.25 wrote staging paths in the -dbgsym ones: packaging/fix_control.cmake).
        for package, deb in debs.items():
            where = os.path.join(tmp, "dbgsym" if package.endswith("-dbgsym") else "root")
            files = {name for name, target in deb_files(deb).items() if target is None}
            sums = {}
            for line in (control_file(deb, "md5sums", tmp) or "").splitlines():
                digest, name = line.split(None, 1)
                sums[name] = digest
            if set(sums) != files:
                raise SystemExit(f"{package}: md5sums names {sorted(set(sums) - files)} that the "
                                 f"package lacks, and lacks {sorted(files - set(sums))}")
            for name, digest in sums.items():
                with open(os.path.join(where, name), "rb") as f:
                    if hashlib.md5(f.read()).hexdigest() != digest:
                        raise SystemExit(f"{package}: md5sums gives a wrong sum for {name}")

        # Control files: dependencies (dpkg-shlibdeps' and between the packages), shlibs, trigger.
        depends = {p: control(debs[p], "Depends") for p in (runtime, "libsne-dev", "sne")}
        if f"{runtime} (= {deb_version})" not in depends["libsne-dev"]:
            raise SystemExit(f"libsne-dev depends on {depends['libsne-dev']!r}")
        if not re.search(rf"(^|, ){re.escape(runtime)} \(", depends["sne"]):
            raise SystemExit(f"sne depends on {depends['sne']!r}, not on {runtime}")
        # libcurl4, libpodofo and libqpdf: the plugins' (dpkg-shlibdeps reads them too).
        for library in ("libc6", "libcurl4", "libstdc++6", "libpodofo0.9.8", "libqpdf29"):
            if not re.search(rf"(^|, ){re.escape(library)}( |,|$)", depends[runtime]):
                raise SystemExit(f"{runtime} depends on {depends[runtime]!r}: no {library} "
                                 "(dpkg-shlibdeps did not run?)")
        if "sqlite" not in depends[runtime]:
            raise SystemExit(f"{runtime} depends on {depends[runtime]!r}: no SQLite for libsne_sandbox")
        shlibs = control_file(debs[runtime], "shlibs", tmp)
        want = "".join(f"{name} {soversion} {runtime} (>= {major}.{minor}.0)\n" for name in libraries)
        if shlibs != want:
            raise SystemExit(f"{runtime}'s shlibs is {shlibs!r}, not {want!r}")
        triggers = control_file(debs[runtime], "triggers", tmp)
        if triggers is None or "activate-noawait ldconfig" not in triggers:
            raise SystemExit(f"{runtime}'s triggers is {triggers!r}: no ldconfig trigger")
        for script in ("postinst", "postrm"):  # the trigger runs ldconfig, no script does
            if control_file(debs[runtime], script, tmp) is not None:
                raise SystemExit(f"{runtime} has a {script}: {control_file(debs[runtime], script, tmp)!r}")
        sections = {p: control(debs[p], "Section") for p in (runtime, "libsne-dev", "sne")}
        if sections != {runtime: "libs", "libsne-dev": "libdevel", "sne": "utils"}:
            raise SystemExit(f"sections {sections}")

        # The unpacked packages at work: no run path, so the loader is told where the libraries are.
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        env = dict(clean_env(home), LD_LIBRARY_PATH=os.path.join(root, lib))
        sne = os.path.join(root, "usr/bin/sne")
        out = run("the packaged sne --version", [sne, "--version"], env=env)
        if out.split()[:2] != ["sne", version]:
            raise SystemExit(f"the packaged sne --version printed {out!r}")
        fiche = os.path.join(tmp, "fiche.pdf")
        run("the packaged sne makes a fiche (plugin fiche-pdf)",
            [sne, "fiche", "create", "--numero", "0340523004101G3401", "--contexte", "ajout",
             "--guichet", "G3401", "--siret", "73282932000074", "--territoire", "034",
             "-o", fiche], env=env)
        run("the packaged sne checks it (plugin inspect-pdf)", [sne, "piece", "check", fiche],
            env=env)
        status = run("the packaged sne on the embedded sandbox (libsne_sandbox)",
                     [sne, "auth", "status", "--json"], env=env)
        if '"embedded_sandbox"' not in status:
            raise SystemExit(f"sne auth status printed {status!r}")

        # libsne-dev: the example with pkg-config's flags (the .pc files find their prefix from
        # their folder), then as a CMake project with find_package(sne).
        pc_env = dict(env, PKG_CONFIG_PATH=os.path.join(root, lib, "pkgconfig"))
        flags = run("pkg-config --cflags --libs sne", ["pkg-config", "--cflags", "--libs", "sne"],
                    env=pc_env).split()
        includes = [os.path.normpath(f[2:]) for f in flags if f.startswith("-I")]
        if includes != [os.path.join(root, "usr/include")]:
            raise SystemExit(f"pkg-config --cflags sne gives {flags}, not the unpacked include folder")
        program = os.path.join(tmp, "sla_due_date")
        examples = os.path.join(source, "examples")
        run("build the example against libsne-dev with pkg-config's flags",
            [os.environ.get("CXX", "c++"), "-std=c++17", "-Wall", "-Wextra", "-Werror",
             os.path.join(examples, "sla_due_date.cpp"), "-o", program, *flags], env=pc_env)
        out = run("run the example built with pkg-config", [program, "0570819000040PWP01", "2024-03-28"],
                  env=env)
        if out.strip() != EXPECTED:
            raise SystemExit(f"the example printed {out!r}, not {EXPECTED!r}")
        cmake_build = os.path.join(tmp, "examples")
        run("configure the examples against libsne-dev (find_package(sne))",
            ["cmake", "-S", examples, "-B", cmake_build, f"-DCMAKE_PREFIX_PATH={os.path.join(root, 'usr')}"],
            env=env)
        cache = open(os.path.join(cmake_build, "CMakeCache.txt"), encoding="utf-8").read()
        found = re.search(r"^sne_DIR:PATH=(.*)$", cache, re.M).group(1)
        if found != os.path.join(root, lib, "cmake/sne"):
            raise SystemExit(f"find_package(sne) found {found}, not the unpacked libsne-dev")
        run("build the examples against libsne-dev", ["cmake", "--build", cmake_build], env=env)
        out = run("run the example built with CMake",
                  [os.path.join(cmake_build, "sla_due_date"), "0570819000040PWP01", "2024-03-28"], env=env)
        if out.strip() != EXPECTED:
            raise SystemExit(f"the example printed {out!r}, not {EXPECTED!r}")

    print(f"{len(debs)} packages of sne {deb_version}: their files, control files, stripped binaries "
          "without run path and debug packages are right; the unpacked sne runs, and the example "
          "builds against libsne-dev with pkg-config and with find_package(sne), and runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
