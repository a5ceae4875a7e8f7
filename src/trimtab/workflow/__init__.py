"""The desk's day on the store: feed, reconcile, run, review, approve, release orders, audit.

Pure decisions live in `task`, `screen` and `rules`; the modules that read and write the store
(`prepare`, `save`, `proposals`, `orders`, `feed`, `audit`) are the edges around them.
"""
