"""The writing studio's window side: the document pane, its outline and section views,
the sidebar's document list, the new-document dialog and the controller that drives
:class:`~aigc_desktop.writing.service.DocumentService` on the engine thread."""
