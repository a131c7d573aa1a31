"""The Models window, one module per tab, and the app's downloads controller."""

from aigc_desktop.ui.models.dialog import ModelsDialog
from aigc_desktop.ui.models.downloads_controller import DownloadsController

__all__ = ["DownloadsController", "ModelsDialog"]
