"""The bundled window's program (PyInstaller's entry script for ``aigc-desktop``).

``--smoke-test`` runs ``aigc_desktop.ui.smoke`` instead of the normal window; every other
argument goes to Qt as usual.
"""

import sys

if __name__ == "__main__":
    if "--smoke-test" in sys.argv[1:]:
        from aigc_desktop.ui.smoke import run

        raise SystemExit(run([a for a in sys.argv if a != "--smoke-test"]))
    from aigc_desktop.ui.app import main

    raise SystemExit(main())
