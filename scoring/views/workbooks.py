"""Pages of workbooks; see scoring/urls.py."""
