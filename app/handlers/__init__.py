"""HTTP handlers: parse parameters, call one service method, wrap the result."""
