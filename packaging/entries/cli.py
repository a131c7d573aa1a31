"""The bundled command line's program (PyInstaller's entry script for ``aigc-desktop-cli``).

``aigc-desktop-cli --smoke-test`` is handled by ``cli.main`` itself (``aigc_desktop.smoke``).
"""

if __name__ == "__main__":
    from aigc_desktop.cli import main

    raise SystemExit(main())
