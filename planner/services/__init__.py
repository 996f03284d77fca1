"""Application services: plain functions over the session and the domain core, used by web, API and CLI."""
