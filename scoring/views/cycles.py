"""Pages of cycles; see scoring/urls.py."""
