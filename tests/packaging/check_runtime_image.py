#!/usr/bin/python3
"""The serving image without a container engine: what the Dockerfile's runtime stage installs is what the server
binary links, and no more.

1. L: the Debian packages owning every library `ldd` lists for the vgsales binary (found with `dpkg -S`, as a
   Dockerfile would compute them).
2. D: the vgsales .deb's Depends (from dpkg-shlibdeps). Every package of D is in L (or is data, shipping no shared
   library), and every package of L is in D or a dependency of it: apt installing the .deb brings exactly what the
   binary loads.
3. Neither holds LibTorch, OpenCV, Qt, GDAL, LLVM or ffmpeg.
4. The Dockerfile's runtime stage installs the vgsales .deb and nothing else (never vgsales-torchscript), as a
   non-root user, with `vgsales serve` as its entrypoint.
5. The size the runtime packages add to debian:12-slim (their Installed-Size), printed, and held under the
   budget that keeps the image under 200 MB.

Usage: check_runtime_image.py VGSALES_BINARY PACKAGE_DIR VERSION DOCKERFILE
"""
import glob
import os
import re
import subprocess
import sys

FORBIDDEN = re.compile(r"torch|opencv|libqt|qt5|qt6|gdal|llvm|libav(codec|format|util)|dnnl", re.IGNORECASE)
IMAGE_GOAL_MB = 200

failures = []


def check(name, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + name + (f" ({detail})" if detail and not ok else ""))
    if not ok:
        failures.append(name)


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def owning_package(path):
    # With the merged /usr, ldd may print /lib/... where dpkg knows /usr/lib/... (or the reverse): try each spelling.
    spellings = [path, os.path.realpath(path)]
    spellings += [p[4:] if p.startswith("/usr/") else "/usr" + p for p in list(spellings)]
    for spelling in spellings:
        result = subprocess.run(["dpkg", "-S", spelling], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def ships_shared_library(package):
    result = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
    return result.returncode != 0 or any(re.search(r"\.so(\.|$)", line) for line in result.stdout.splitlines())


def linked_packages(binary):
    packages = {}
    for line in run("ldd", binary).splitlines():
        match = re.match(r"\s*(\S+) => (/\S+)", line)
        if match:
            packages[match.group(1)] = owning_package(match.group(2))
    return packages


def installed_packages():
    """name -> (depends names (alternatives as lists), provides, installed KiB, priority, essential)."""
    fields = "${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\t${Installed-Size}\t${Priority}\t${Essential}\t${db:Status-Abbrev}\n"
    table = {}
    for line in run("dpkg-query", "-W", "-f=" + fields).splitlines():
        name, provides, depends, size, priority, essential, status = line.split("\t")
        if not status.startswith("ii"):
            continue
        table[name] = {
            "depends": parse_depends(depends),
            "provides": [p.split()[0] for p in provides.split(",") if p.strip()],
            "kib": int(size or 0),
            "base": priority == "required" or essential == "yes",
        }
    return table


def parse_depends(text):
    groups = []
    for group in text.split(","):
        names = [re.sub(r"\s*\(.*?\)", "", alternative).strip().split(":")[0] for alternative in group.split("|")]
        names = [name for name in names if name]
        if names:
            groups.append(names)
    return groups


def closure(roots, installed):
    providers = {}
    for name, info in installed.items():
        for provided in info["provides"]:
            providers.setdefault(provided, name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        name = name if name in installed else providers.get(name, name)
        if name in seen:
            continue
        seen.add(name)
        for group in installed.get(name, {}).get("depends", []):
            # The first alternative that is installed is the one apt would keep here.
            chosen = next((n for n in group if n in installed or n in providers), group[0])
            todo.append(chosen)
    return seen


def runtime_stage(dockerfile):
    lines = [line for line in open(dockerfile) if not line.lstrip().startswith("#")]
    text = "".join(lines).replace("\\\n", " ")
    stages = re.split(r"^FROM\s+", text, flags=re.MULTILINE)
    runtime = [s for s in stages if re.match(r"\S+\s+AS\s+runtime\b", s, re.IGNORECASE)]
    return runtime[0] if runtime else ""


def main():
    binary, package_dir, version, dockerfile = sys.argv[1:5]
    arch = run("dpkg", "--print-architecture").strip()
    deb = os.path.join(package_dir, f"vgsales_{version}_{arch}.deb")
    check("the vgsales package exists", os.path.exists(deb), deb)
    if failures:
        return 1

    linked = linked_packages(binary)
    print("ldd of", binary)
    for library, package in sorted(linked.items()):
        print(f"  {library:28} {package}")
    check("every library ldd lists belongs to a Debian package", None not in linked.values(),
          ", ".join(lib for lib, pkg in linked.items() if pkg is None))
    ldd_packages = {p for p in linked.values() if p}
    depends = parse_depends(run("dpkg-deb", "-f", deb, "Depends"))
    depends_names = {group[0] for group in depends}
    print("vgsales.deb Depends:", ", ".join(sorted(depends_names)))
    print("packages of ldd:    ", ", ".join(sorted(ldd_packages)))

    installed = installed_packages()
    runtime = closure(depends_names, installed)
    # Beside the libraries, the package may depend on data the program reads at run time (a font, say), which
    # dpkg-shlibdeps cannot see: allowed when the package ships no shared library at all.
    data_packages = {p for p in depends_names - ldd_packages if not ships_shared_library(p)}
    if data_packages:
        print("data packages in Depends:", ", ".join(sorted(data_packages)))
    check("every Depends of the package is a library the binary loads, or data",
          depends_names - data_packages <= ldd_packages,
          ", ".join(sorted(depends_names - data_packages - ldd_packages)))
    check("every package ldd needs comes with the package's Depends", ldd_packages <= runtime,
          ", ".join(sorted(ldd_packages - runtime)))
    check("the binary links no LibTorch, OpenCV, Qt, GDAL, LLVM or ffmpeg",
          not any(FORBIDDEN.search(lib) for lib in linked), ", ".join(l for l in linked if FORBIDDEN.search(l)))
    check("the runtime packages hold none of them either", not any(FORBIDDEN.search(p) for p in runtime),
          ", ".join(sorted(p for p in runtime if FORBIDDEN.search(p))))

    stage = runtime_stage(dockerfile)
    check("the Dockerfile has a runtime stage", bool(stage))
    installs = re.findall(r"apt-get install\s+(.*?)(?:&&|$)", stage, flags=re.MULTILINE)
    arguments = [a for line in installs for a in line.split() if not a.startswith("-")]
    check("the runtime stage installs the vgsales .deb and nothing else", arguments == ["/tmp/vgsales_*.deb"],
          " ".join(arguments))
    check("... without recommends (the BLAS stays out)", all("--no-install-recommends" in line for line in installs))
    check("... never the TorchScript plugin", "torchscript" not in stage.lower())
    check("the runtime stage copies the package from the build stage",
          re.search(r"COPY --from=build \S*/vgsales_\*\.deb /tmp/", stage) is not None)
    user = re.search(r"^USER\s+(\S+)", stage, flags=re.MULTILINE)
    check("the runtime stage runs as a non-root user", user is not None and user.group(1) not in ("root", "0"))
    check("the entrypoint is vgsales serve", '["vgsales", "serve"]' in stage)

    # A minimal Debian (debootstrap --variant=minbase, the base of debian:12-slim) holds the required and essential
    # packages and everything they depend on.
    base = closure([p for p, info in installed.items() if info["base"]], installed)
    added = sorted((p for p in runtime if p in installed and p not in base), key=lambda p: -installed[p]["kib"])
    added_mb = sum(installed[p]["kib"] for p in added) / 1024
    print(f"\nruntime packages: {len(runtime)}; beyond a minimal Debian 12: {len(added)}, {added_mb:.1f} MB installed")
    for package in added:
        print(f"  {package:28} {installed[package]['kib'] / 1024:7.1f} MB")
    own_mb = int(run("dpkg-deb", "-f", deb, "Installed-Size").strip()) / 1024
    # The base counted as dpkg installed it here, documentation and locales included: debian:12-slim, which drops
    # those, is smaller, so this errs high.
    base_mb = sum(installed[p]["kib"] for p in base if p in installed) / 1024
    estimate = base_mb + added_mb + own_mb
    print(f"vgsales itself: {own_mb:.1f} MB; estimate: minimal Debian 12 ({len(base)} packages) {base_mb:.1f} MB + "
          f"{added_mb:.1f} MB + {own_mb:.1f} MB = {estimate:.0f} MB (goal < {IMAGE_GOAL_MB} MB)")
    check(f"the estimated image is under {IMAGE_GOAL_MB} MB", estimate < IMAGE_GOAL_MB, f"{estimate:.0f} MB")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all runtime image checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
