"""The bundled window's program (PyInstaller's entry script for ``aigc-desktop``).

``aigc-desktop --smoke-test`` is handled by ``ui/app.main`` itself (``aigc_desktop.ui.smoke``).
"""

if __name__ == "__main__":
    from aigc_desktop.ui.app import main

    raise SystemExit(main())
