"""The bundled command line's program (PyInstaller's entry script for ``aigc-desktop-cli``).

``--smoke-test`` runs ``aigc_desktop.smoke`` (headless: no Qt is loaded); anything else is
the normal CLI.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:] == ["--smoke-test"]:
        from aigc_desktop.smoke import run

        raise SystemExit(run())
    from aigc_desktop.cli import main

    raise SystemExit(main())
