"""FastAPI dependencies: process-wide resources handed to handlers."""
