"""Tools through MCP: the servers' config, the SDK client, parsing local models' calls, approval, the loop."""
