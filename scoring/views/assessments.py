"""Pages of assessments; see scoring/urls.py."""
