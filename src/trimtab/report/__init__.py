"""Reports a client can read: HTML pages with inline SVG charts (no network), PDF via Chromium."""
