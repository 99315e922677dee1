"""Pages of dashboards; see scoring/urls.py."""
