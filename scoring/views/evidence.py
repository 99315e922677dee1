"""Pages of evidence; see scoring/urls.py."""
