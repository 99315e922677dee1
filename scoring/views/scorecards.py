"""Pages of scorecards; see scoring/urls.py."""
