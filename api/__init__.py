"""Interfaces to the engine: the command line, and the FastAPI app."""
