"""Watchlists and alerts: the query language (query.py), matching articles against many watches
at once (matching.py), and delivering matches: webhook (webhook.py), e-mail and digests (mail.py),
the messages both carry (messages.py)."""
