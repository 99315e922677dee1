"""Pages of public; see scoring/urls.py."""
