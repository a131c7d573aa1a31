"""The one program of the Linux bundle: the window, or the command line when started as ``aigc-desktop-cli``.

PyInstaller appends the frozen modules (~25 MB) to every executable it makes, so two
programs carried two copies. On Linux ``aigc-desktop-cli`` is a symlink to
``aigc-desktop`` and this script chooses by the name it was started under. Windows needs
two executables (a console one and a windowed one), so it keeps ``gui.py`` and ``cli.py``.
"""

import os
import sys

CLI_NAME = "aigc-desktop-cli"


def wants_cli(argv0: str) -> bool:
    """Whether the program was started as the command line (by its name, through any symlink)."""
    return os.path.basename(argv0) == CLI_NAME


if __name__ == "__main__":
    if wants_cli(sys.argv[0]):
        from aigc_desktop.cli import main
    else:
        from aigc_desktop.ui.app import main

    raise SystemExit(main())
