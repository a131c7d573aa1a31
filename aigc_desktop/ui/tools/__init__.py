"""The window's side of tools through MCP: the approval dialog and the approver, tool cards
in the chat, the per-chat chip and the MCP servers dialog (the logic is ``aigc_desktop/tools``)."""
