"""The review pages: server-rendered HTML (Jinja2) over the API's store and access rules."""
